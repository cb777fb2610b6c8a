namespace Tally.Dashboard.Tests;

static class TestPaths
{
    /// <summary>The repository root (the directory with Tally.slnx) above the test binaries.</summary>
    public static string RepoRoot
    {
        get
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

    /// <summary>Screenshots and other artefacts of the browser tests: artifacts/dashboard-tests under the repository.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "artifacts", "dashboard-tests");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
