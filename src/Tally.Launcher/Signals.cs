using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tally.Launcher;

/// <summary>Graceful stop of a child process: SIGTERM on Unix (an ASP.NET Core host shuts down cleanly on it). .NET
/// has no API to send a signal, so this calls libc's <c>kill</c>.</summary>
internal static partial class Signals
{
    const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Asks the process to stop; returns false where that cannot be done gracefully (the caller kills).</summary>
    public static bool TryTerminate(Process process)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }
        try
        {
            return !process.HasExited && Kill(process.Id, SigTerm) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
