using System.Runtime.InteropServices;

namespace Tally.Benchmarks.Storage;

/// <summary>What the numbers were measured on: cores, CPU, memory, the disk under the data directory, the date.</summary>
static class Machine
{
    public static string Describe(string directory)
    {
        var cpu = Read("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = Read("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return $"Machine: {Environment.ProcessorCount} cores, {cpu}, {memory} memory; disk: {Disk(directory)}; " +
            $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
    }

    /// <summary>The device, file system and mount point holding <paramref name="directory"/> (Linux).</summary>
    static string Disk(string directory)
    {
        var path = Path.GetFullPath(directory);
        var mount = Read("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal))
            .MaxBy(f => f[1].Length);
        if (mount is null)
        {
            return "unknown";
        }
        var device = Path.GetFileName(mount[0]);
        var rotational = Read($"/sys/block/{device}/queue/rotational").FirstOrDefault();
        var cache = Read($"/sys/block/{device}/queue/write_cache").FirstOrDefault();
        return $"{mount[0]} ({mount[2]} on {mount[1]}, rotational={rotational ?? "?"}, write cache={cache ?? "?"})";
    }

    static string[] Read(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
