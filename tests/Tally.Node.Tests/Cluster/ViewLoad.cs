using System.Net;
using System.Net.Sockets;

namespace Tally.Node.Tests.Cluster;

/// <summary>Sends views (random video, random amount 1-3) to random nodes from a few concurrent workers until
/// stopped, and books every outcome per node and video: acknowledged (200), refused (an error answer, or a connection
/// that was never made: counted nowhere), or unknown (the connection died mid-request, a timeout or a 500: the view
/// may or may not have been counted). Tests size it by outcomes (<see cref="WaitUntilAsync"/>), never by time; a request
/// budget and a generous time limit only bound a load that a broken node would never satisfy.</summary>
sealed class ViewLoad(TestCluster cluster, IReadOnlyList<NodeProcess> targets, IReadOnlyList<string> videos, int seed)
{
    const int RequestsMax = 20_000;
    static readonly TimeSpan DurationMax = TimeSpan.FromSeconds(180);

    readonly Lock _lock = new();
    readonly Dictionary<(string Node, string Video), ulong> _acked = [];
    readonly Dictionary<(string Node, string Video), ulong> _unknown = [];
    readonly Dictionary<string, int> _notAcked = [];
    readonly CancellationTokenSource _stop = new(DurationMax);
    int _requests;
    Task _running = Task.CompletedTask;

    public int Refused { get; private set; }

    public int Requests => Volatile.Read(ref _requests);

    public void Start(int workers)
    {
        _running = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(new Random(seed * 31 + w)))));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    /// <summary>Waits until <paramref name="condition"/> (on this load's books) holds, checking every few
    /// milliseconds; fails with <paramref name="what"/> and the books after <see cref="TestCluster.ConvergeTimeout"/>.</summary>
    public async Task WaitUntilAsync(Func<ViewLoad, bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition(this))
        {
            Assert.True(clock.Elapsed < TestCluster.ConvergeTimeout,
                $"the load never reached: {what} ({Requests} requests, {AckedTotal} acknowledged, {Refused} refused, {UnknownTotal} unknown)");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until at least <paramref name="views"/> more views than now are acknowledged (by
    /// <paramref name="node"/>, or by any node).</summary>
    public Task WaitForMoreAckedAsync(ulong views, NodeProcess? node = null)
    {
        var target = AckedBy(node) + views;
        return WaitUntilAsync(l => l.AckedBy(node) >= target, $"{target} views acknowledged by {node?.Id ?? "the cluster"}");
    }

    ulong AckedBy(NodeProcess? node)
    {
        lock (_lock)
        {
            return _acked.Where(kv => node is null || kv.Key.Node == node.Id).Aggregate(0UL, (a, kv) => a + kv.Value);
        }
    }

    /// <summary>Requests whose outcome was not an acknowledgement, sent to <paramref name="node"/>.</summary>
    public int NotAckedBy(NodeProcess node)
    {
        lock (_lock)
        {
            return _notAcked.GetValueOrDefault(node.Id);
        }
    }

    /// <summary>Views acknowledged by <paramref name="node"/> (or by any node when null) for <paramref name="video"/>.</summary>
    public ulong Acked(string video, string? node = null) => Sum(_acked, video, node);

    /// <summary>Views whose outcome is unknown.</summary>
    public ulong Unknown(string video, string? node = null) => Sum(_unknown, video, node);

    public ulong AckedTotal => AckedBy(null);

    public ulong UnknownTotal
    {
        get
        {
            lock (_lock)
            {
                return _unknown.Values.Aggregate(0UL, (a, b) => a + b);
            }
        }
    }

    ulong Sum(Dictionary<(string Node, string Video), ulong> book, string video, string? node)
    {
        lock (_lock)
        {
            return book.Where(kv => kv.Key.Video == video && (node is null || kv.Key.Node == node)).Aggregate(0UL, (a, kv) => a + kv.Value);
        }
    }

    async Task WorkAsync(Random random)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _requests) <= RequestsMax)
        {
            var node = targets[random.Next(targets.Count)];
            var video = videos[random.Next(videos.Count)];
            var amount = (ulong)random.Next(1, 4);
            var outcome = await SendAsync(node, video, amount);
            lock (_lock)
            {
                switch (outcome)
                {
                    case Outcome.Acked:
                        _acked[(node.Id, video)] = _acked.GetValueOrDefault((node.Id, video)) + amount;
                        break;
                    case Outcome.Unknown:
                        _unknown[(node.Id, video)] = _unknown.GetValueOrDefault((node.Id, video)) + amount;
                        break;
                    default:
                        Refused++;
                        break;
                }
                if (outcome != Outcome.Acked)
                {
                    _notAcked[node.Id] = _notAcked.GetValueOrDefault(node.Id) + 1;
                }
            }
            if (outcome != Outcome.Acked)
            {
                await Task.Delay(10); // a node that is down or leaving: do not spin
            }
        }
    }

    enum Outcome
    {
        Acked,
        Refused,
        Unknown,
    }

    async Task<Outcome> SendAsync(NodeProcess node, string video, ulong amount)
    {
        try
        {
            // Not cancelled by the stop: a request once sent is seen through, so its outcome is known.
            using var response = await cluster.Client.PostAsync($"{node.Url}/videos/{video}/views", Http.Json($$"""{"amount":{{amount}}}"""));
            return response.StatusCode switch
            {
                HttpStatusCode.OK => Outcome.Acked,
                HttpStatusCode.InternalServerError => Outcome.Unknown,
                _ => Outcome.Refused,
            };
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return Outcome.Refused; // never reached the node
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return Outcome.Unknown;
        }
    }
}
