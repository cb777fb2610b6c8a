using System.Runtime.InteropServices;

namespace Tally.Benchmarks.Convergence;

/// <summary>What the numbers were measured on: cores, CPU, memory, OS, .NET, the date and the load average.</summary>
static class Machine
{
    public static string Describe()
    {
        var cpu = Field("/proc/cpuinfo", "model name") ?? "unknown CPU";
        var memory = Field("/proc/meminfo", "MemTotal") ?? "unknown";
        var load = Read("/proc/loadavg").FirstOrDefault()?.Split(' ').Take(3) ?? [];
        return $"Machine: {Environment.ProcessorCount} cores, {cpu}, {memory} memory; {RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {string.Join(' ', load)}";
    }

    static string? Field(string path, string name) =>
        Read(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim();

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
