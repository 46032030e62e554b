namespace Board.Tests.Collector;

/// <summary>Finds files of the repository from the test's output directory (the folder holding Board.sln).</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Board.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Board.sln not found above " + AppContext.BaseDirectory);
    }
}
