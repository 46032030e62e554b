var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRazorPages();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRazorPages();

app.Run();

public partial class Program;
