using Microsoft.Extensions.Options;

namespace Tally.Dashboard.State;

/// <summary>The videos that open pages have selected, with a count of pages per video. The poller fetches each
/// watched video from every node; a video nobody watches any more stops costing requests.</summary>
public sealed class WatchedVideos(IOptions<DashboardOptions> options)
{
    readonly Lock _lock = new();
    readonly Dictionary<string, int> _watchers = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Current
    {
        get
        {
            lock (_lock)
            {
                return [.. _watchers.Keys];
            }
        }
    }

    /// <summary>Registers one page watching <paramref name="videoId"/>; null when the limit of distinct videos is
    /// reached. Dispose the result when the page goes away.</summary>
    public IDisposable? Watch(string videoId)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(videoId, out var n))
            {
                _watchers[videoId] = n + 1;
            }
            else if (_watchers.Count >= options.Value.WatchedVideosMax)
            {
                return null;
            }
            else
            {
                _watchers[videoId] = 1;
            }
        }
        return new Watcher(this, videoId);
    }

    void Release(string videoId)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(videoId, out var n))
            {
                if (n <= 1)
                {
                    _watchers.Remove(videoId);
                }
                else
                {
                    _watchers[videoId] = n - 1;
                }
            }
        }
    }

    sealed class Watcher(WatchedVideos owner, string videoId) : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(videoId);
            }
        }
    }
}
