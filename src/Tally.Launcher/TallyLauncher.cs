using System.Diagnostics;
using System.Reflection;

namespace Tally.Launcher;

/// <summary>How to start the <c>tally</c> executable: the running one again (<see cref="Current"/>: the app host
/// itself, or <c>dotnet tally.dll</c> when the tool was started through the <c>dotnet</c> muxer), or a built
/// <c>tally.dll</c> (<see cref="Of"/>).</summary>
public sealed record TallyLauncher(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>Runs <paramref name="tallyDll"/> through the <c>dotnet</c> muxer on the PATH.</summary>
    /// <exception cref="FileNotFoundException">The dll is not built.</exception>
    public static TallyLauncher Of(string tallyDll)
    {
        if (!File.Exists(tallyDll))
        {
            throw new FileNotFoundException($"Build src/Tally.Cli first: {tallyDll} is missing.", tallyDll);
        }
        return new("dotnet", [tallyDll]);
    }

    public static TallyLauncher Current()
    {
        var processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("Cannot tell which executable is running (Environment.ProcessPath is null).");
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (!string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return new(processPath, []);
        }
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(entry))
        {
            throw new InvalidOperationException("Running under dotnet but the entry assembly has no location.");
        }
        return new(processPath, [entry]);
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var a in LeadingArguments.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }
        return info;
    }
}
