using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Sends the core's outgoing messages without blocking its caller: each send runs on its own, with a bound
/// on sends in flight in total and per peer. A message beyond a bound, or to a faulted peer, is dropped; the core
/// resends whatever is not acknowledged, so loss only delays convergence.</summary>
public sealed partial class GossipSender(
    ITransport transport,
    FaultSet faults,
    NodeMetrics metrics,
    IOptions<NodeOptions> options,
    ILogger<GossipSender> logger) : IDisposable
{
    readonly int _inFlightMax = options.Value.SendsInFlightMax;
    readonly int _perPeerMax = options.Value.SendsInFlightPerPeerMax;
    readonly ConcurrentDictionary<string, StrongBox<int>> _perPeer = new(StringComparer.OrdinalIgnoreCase);
    readonly CancellationTokenSource _stopping = new();
    int _inFlight;

    public void Send(IReadOnlyList<Outgoing> messages)
    {
        foreach (var outgoing in messages)
        {
            Send(outgoing);
        }
    }

    void Send(Outgoing outgoing)
    {
        if (faults.BlocksAddress(outgoing.Address))
        {
            metrics.GossipDropped("fault");
            return;
        }
        var peer = _perPeer.GetOrAdd(outgoing.Address, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref _inFlight) > _inFlightMax | Interlocked.Increment(ref peer.Value) > _perPeerMax)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Decrement(ref peer.Value);
            metrics.GossipDropped("busy");
            Log.Busy(logger, outgoing.Address);
            return;
        }
        _ = SendAsync(outgoing, peer);
    }

    async Task SendAsync(Outgoing outgoing, StrongBox<int> peer)
    {
        try
        {
            await transport.SendAsync(outgoing.Address, outgoing.Message, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The transport reports delivery failures itself; anything else is a bug worth a log line, not a crash.
            metrics.GossipDropped("failed");
            Log.Failed(logger, e, outgoing.Address);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Decrement(ref peer.Value);
        }
    }

    /// <summary>Cancels the sends in flight (at shutdown).</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>A mutable box, so a peer's in-flight count can be changed with <see cref="Interlocked"/>.</summary>
    sealed class StrongBox<T>
    {
        public T Value = default!;
    }

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Too many gossip sends in flight; dropped a message to {Address}")]
        public static partial void Busy(ILogger logger, string address);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Sending gossip to {Address} failed unexpectedly")]
        public static partial void Failed(ILogger logger, Exception exception, string address);
    }
}
