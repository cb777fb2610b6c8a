using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tally.Dashboard.Supervision;

/// <summary>The cluster key (between nodes), admin token (for admin routes) and cluster id of a local cluster,
/// generated on the first <c>tally up</c> and kept in <c>cluster.json</c> under the data root (owner-only on Unix), so
/// the next start of the same data root resumes with the same secrets and the same cluster. Every node of
/// <c>tally up</c> lists the others as peers, so none would make a cluster id itself: <c>tally up</c> gives it.</summary>
public sealed record ClusterSecrets(string ClusterKey, string AdminToken, string? ClusterId = null)
{
    public const string FileName = "cluster.json";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static ClusterSecrets LoadOrCreate(string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, FileName);
        if (File.Exists(path))
        {
            var loaded = JsonSerializer.Deserialize<ClusterSecrets>(File.ReadAllText(path), Json);
            if (loaded is null || string.IsNullOrWhiteSpace(loaded.ClusterKey) || string.IsNullOrWhiteSpace(loaded.AdminToken))
            {
                throw new InvalidDataException($"{path} has no clusterKey or adminToken; fix it or delete it to generate new secrets.");
            }
            if (string.IsNullOrWhiteSpace(loaded.ClusterId))
            {
                // A data root from before cluster ids: give it one, kept with the secrets from now on.
                loaded = loaded with { ClusterId = Crdt.ClusterId.New(DateTimeOffset.UtcNow).Value };
                Write(path + ".tmp", loaded, FileMode.Create);
                File.Move(path + ".tmp", path, overwrite: true);
            }
            return loaded;
        }
        var created = new ClusterSecrets(NewSecret(), NewSecret(), Crdt.ClusterId.New(DateTimeOffset.UtcNow).Value);
        Write(path, created, FileMode.CreateNew);
        return created;
    }

    static void Write(string path, ClusterSecrets secrets, FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, secrets, Json);
        }
    }

    static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
