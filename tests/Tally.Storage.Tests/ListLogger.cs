using Microsoft.Extensions.Logging;

namespace Tally.Storage.Tests;

/// <summary>Keeps every log entry, with its structured fields, so tests can check what was reported.</summary>
sealed class ListLogger<T> : ILogger<T>
{
    readonly List<(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Select(e => (e.Level, e.Message))];
            }
        }
    }

    public IEnumerable<string> At(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message);

    /// <summary>The values of the structured field <paramref name="field"/> of the entries whose message starts with
    /// <paramref name="messageStart"/>, in the order they were logged.</summary>
    public IReadOnlyList<object?> Values(string messageStart, string field)
    {
        lock (_entries)
        {
            return [.. _entries.Where(e => e.Message.StartsWith(messageStart, StringComparison.Ordinal))
                .SelectMany(e => e.Fields).Where(f => f.Key == field).Select(f => f.Value)];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
        }
    }
}
