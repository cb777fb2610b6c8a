namespace Tally.Deploy.Tests;

static class Repo
{
    /// <summary>The repository root (the directory with Tally.slnx) above the test binaries.</summary>
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tally.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Tally.slnx above {AppContext.BaseDirectory}.");
    }
}
