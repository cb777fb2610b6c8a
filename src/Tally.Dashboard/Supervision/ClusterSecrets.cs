using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tally.Dashboard.Supervision;

/// <summary>The cluster key (between nodes) and admin token (for admin routes) of a local cluster, generated on the
/// first <c>tally up</c> and kept in <c>cluster.json</c> under the data root (owner-only on Unix), so the next start
/// of the same data root resumes with the same secrets.</summary>
public sealed record ClusterSecrets(string ClusterKey, string AdminToken)
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
            return loaded;
        }
        var created = new ClusterSecrets(NewSecret(), NewSecret());
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, created, Json);
        }
        return created;
    }

    static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
