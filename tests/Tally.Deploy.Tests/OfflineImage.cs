namespace Tally.Deploy.Tests;

/// <summary>Builds <c>tally:local</c> once per test run with <c>deploy/docker/build-offline.sh</c> (no registry: a
/// cached Debian base from debootstrap and a self-contained publish), after checking a Docker engine answers.</summary>
public sealed class OfflineImage : IAsyncLifetime
{
    public const string Image = "tally:local";
    static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);
    Exception? _failure;

    public static string Docker => File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

    public static string Compose => new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists) ?? "docker-compose";

    public TimeSpan BuildTime { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            var info = await Command.RunAsync(Docker, ["info", "--format", "{{.ServerVersion}} {{.Driver}}"], TimeSpan.FromSeconds(60));
            if (info.Code != 0)
            {
                throw new InvalidOperationException(
                    "No Docker engine answers. ./test.sh installs Debian's docker.io and starts 'dockerd --storage-driver=vfs' as root; " +
                    $"or start one yourself and rerun.\n{info.Text}");
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Command.CheckAsync("bash", [Path.Combine(Repo.Root, "deploy", "docker", "build-offline.sh")], BuildTimeout,
                new Dictionary<string, string?> { ["TALLY_IMAGE"] = Image, ["DOCKER"] = Docker });
            BuildTime = clock.Elapsed;
        }
        catch (Exception e)
        {
            _failure = e; // reported by every test that needs the image, not as a crash of the run
        }
    }

    /// <summary>Throws the reason the image could not be built, if it could not.</summary>
    public void Require()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException($"The offline image could not be built: {_failure.Message}", _failure);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
