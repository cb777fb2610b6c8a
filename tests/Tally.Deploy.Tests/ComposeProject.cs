using System.Security.Cryptography;

namespace Tally.Deploy.Tests;

/// <summary>One <c>docker-compose</c> project with a name unique to this run, so a failed run never collides with the
/// next; disposing it runs <c>down -v</c> (containers, network, volumes), whatever happened before.</summary>
sealed class ComposeProject : IAsyncDisposable
{
    static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    readonly string[] _files;
    readonly Dictionary<string, string?> _environment;

    /// <param name="files">Compose files relative to the repository root, later ones overriding earlier ones.</param>
    public ComposeProject(string[] files, Dictionary<string, string?>? environment = null)
    {
        _files = [.. files.SelectMany(f => new[] { "-f", Path.Combine(Repo.Root, f) })];
        Name = "tallytest" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        ClusterKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        AdminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        // The secrets as the README documents them: exported in the environment docker-compose reads.
        _environment = new(environment ?? [])
        {
            ["TALLY_CLUSTER_KEY"] = ClusterKey,
            ["TALLY_ADMIN_TOKEN"] = AdminToken,
            ["COMPOSE_PROJECT_NAME"] = Name,
        };
    }

    public string Name { get; }

    public string ClusterKey { get; }

    public string AdminToken { get; }

    /// <summary>The project's default network (compose v1 names it <c>{project}_default</c>).</summary>
    public string Network => $"{Name}_default";

    public Task<string> RunAsync(params string[] arguments) =>
        Command.CheckAsync(OfflineImage.Compose, [.. _files, "-p", Name, .. arguments], CommandTimeout, _environment);

    /// <summary>The ids of the service's containers.</summary>
    public async Task<List<string>> ContainersAsync(string service) =>
        [.. (await RunAsync("ps", "-q", service)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static Task<string> DockerAsync(params string[] arguments) =>
        Command.CheckAsync(OfflineImage.Docker, arguments, CommandTimeout);

    /// <summary>The host port (on 127.0.0.1) published for the container's port 8001.</summary>
    public static async Task<int> PublishedPortAsync(string container)
    {
        var line = (await DockerAsync("port", container, "8001/tcp")).Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        Assert.StartsWith("127.0.0.1:", line);
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines of every container's log, for failure messages.</summary>
    public async Task<string> LogsAsync()
    {
        var result = await Command.RunAsync(OfflineImage.Compose, [.. _files, "-p", Name, "logs", "--no-color", "--tail=40"],
            CommandTimeout, _environment);
        return result.Output + result.Error;
    }

    public async ValueTask DisposeAsync()
    {
        await Command.RunAsync(OfflineImage.Compose, [.. _files, "-p", Name, "down", "-v", "--remove-orphans", "-t", "5"],
            CommandTimeout, _environment);
    }
}
