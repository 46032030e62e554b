using Board.Web.Data;
using Board.Web.Pages;
using Board.Web.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

// Resolved from the built configuration, not read here: test hosts and other late configuration
// sources are only applied when the builder builds.
builder.Services.AddSingleton(sp => DatabaseLocation.Resolve(
    sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath));
builder.Services.AddDbContext<BoardDbContext>((sp, options) =>
    options.UseSqlite(sp.GetRequiredService<DatabaseLocation>().ConnectionString));

// /health includes the database; /alive does not, so a database outage takes the instance out of
// rotation without the platform restarting it.
builder.Services.AddHealthChecks().AddDbContextCheck<BoardDbContext>("database", tags: ["ready"]);

// The keys that sign sign-in cookies and form tokens. By default they live in the user's profile, which a
// container loses with its task: a new task would sign everyone out and refuse the forms already open. Kept in
// DataProtection:KeysDirectory where configured (the image puts them next to the database, so one persisted
// directory keeps both); read when the options are built, like the database's location.
builder.Services.AddDataProtection().SetApplicationName("Board.Web");
builder.Services.AddOptions<KeyManagementOptions>()
    .Configure<IConfiguration, IWebHostEnvironment, ILoggerFactory>((options, configuration, environment, loggerFactory) =>
    {
        if (configuration["DataProtection:KeysDirectory"] is { Length: > 0 } keysDirectory)
        {
            var directory = new DirectoryInfo(Path.GetFullPath(keysDirectory, environment.ContentRootPath));
            options.XmlRepository = new FileSystemXmlRepository(directory, loggerFactory);
        }

        // Outside Windows there is no key encryption without a certificate, so the keys are kept unencrypted either
        // way, protected by their directory's permissions like the database: said here, where it is decided, instead
        // of a Warning ("No XML encryptor configured") each time a key is made, the first start included.
        if (!OperatingSystem.IsWindows())
        {
            options.XmlEncryptor ??= new NullXmlEncryptor();
        }
    });

builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
builder.Services
    .AddIdentityCore<BoardUser>(options =>
    {
        options.User.RequireUniqueEmail = true;
        options.Password.RequiredLength = 8;
        options.Password.RequireNonAlphanumeric = false;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    })
    .AddSignInManager()
    .AddUserValidator<DisplayNameValidator>()
    .AddClaimsPrincipalFactory<BoardClaimsPrincipalFactory>()
    .AddEntityFrameworkStores<BoardDbContext>();
builder.Services.ConfigureApplicationCookie(options =>
{
    options.LoginPath = "/Account/Login";
    options.LogoutPath = "/Account/Logout";
    // A signed-in user acting on someone else's post gets a plain 403, not a redirect to a login page.
    options.Events.OnRedirectToAccessDenied = context =>
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    };
});

// A request whose method no handler of the page takes gets 405, not a page rendered without its model.
builder.Services.AddRazorPages(options => options.Conventions.ConfigureFilter(new MethodNotAllowedFilter()));

var app = builder.Build();

DatabaseInitializer.Initialize(app.Services);

// First, so that every redirect below it (pages, the cookie handler, the error pages) has a target the server can send.
app.UseMiddleware<LocationEncodingMiddleware>();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

app.UseStatusCodePagesWithReExecute("/Status/{0}");
app.UseStaticFiles();
app.UseMiddleware<UnreadableFormMiddleware>();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapRazorPages();
app.MapTestFailureEndpoint();

app.Run();

public partial class Program;
