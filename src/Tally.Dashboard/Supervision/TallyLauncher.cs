using System.Diagnostics;
using System.Reflection;

namespace Tally.Dashboard.Supervision;

/// <summary>How to start the running <c>tally</c> executable again: the app host itself, or <c>dotnet tally.dll</c>
/// when the tool was started through the <c>dotnet</c> muxer.</summary>
public sealed record TallyLauncher(string FileName, IReadOnlyList<string> LeadingArguments)
{
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
