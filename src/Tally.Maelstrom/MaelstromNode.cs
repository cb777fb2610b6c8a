using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Maelstrom;

/// <summary>The Maelstrom protocol around one <see cref="Replica"/> (the same state machine the HTTP node and the
/// simulator run), as a synchronous step function: a stdin line in, the stdout lines it causes out; a tick in, the
/// round's gossip out. It answers <c>init</c>, the g-counter workload's <c>add</c> and <c>read</c>
/// (doc/workloads.md), and Maelstrom error bodies for anything else, and carries the replica's gossip as
/// <c>tally_gossip</c> messages. It decides nothing about replication: that is the replica's.</summary>
/// <remarks>Not thread-safe: <see cref="MaelstromHost"/> serializes calls. Storage is memory only (Maelstrom never
/// crashes or restarts a node): every append the replica asks for is reported durable at once, in number order, so an
/// add is answered within the step that took it. The whole counter is one video of the replica's map.</remarks>
public sealed partial class MaelstromNode(MaelstromOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>The one counter of the g-counter workload, as a video of the replica's map.</summary>
    internal static readonly VideoId Counter = VideoId.Parse("counter");

    /// <summary>The add each view ticket answers: who asked and its msg_id.</summary>
    readonly Dictionary<ViewTicket, (Incoming Message, long MsgId)> _waiting = [];
    Replica? _replica;
    HashSet<string> _nodeIds = [];
    long _nextMsgId;

    /// <summary>This node's Maelstrom id once <c>init</c> was answered, else null.</summary>
    public string? NodeId => _replica?.Address;

    /// <summary>The counter's value as this node knows it (0 before <c>init</c>): a sum of entries, so a
    /// <see cref="UInt128"/> (docs/architecture.md, "Numbers").</summary>
    public UInt128 Value => _replica?.Read(Counter).Value ?? 0;

    /// <summary>Handles one stdin line and returns the lines to write to stdout, in order.</summary>
    public IReadOnlyList<byte[]> Handle(ReadOnlySpan<byte> line)
    {
        var message = Incoming.TryParse(line, out var error);
        if (message is null)
        {
            Log.Unreadable(logger, error);
            return [];
        }
        if (message.InReplyTo is not null || message.Type == "error")
        {
            // A reply: this node sends no requests, and answering a reply could loop between two nodes.
            Log.ReplyIgnored(logger, message.Type, message.Src);
            return [];
        }
        if (message.Type == GossipBody.Type)
        {
            return Gossip(message);
        }
        if (message.MsgId is not { } msgId)
        {
            Log.NoMsgId(logger, message.Type, message.Src);
            return [];
        }
        return message.Type switch
        {
            "init" => Init(message, msgId),
            _ when _replica is null => [Error(message, msgId, ErrorCode.TemporarilyUnavailable, "not initialized: waiting for init")],
            "add" => Add(_replica, message, msgId),
            "read" => [Outgoing.ReadOk(_replica.Address, message.Src, NextMsgId(), msgId, _replica.Read(Counter).Value)],
            _ => [Error(message, msgId, ErrorCode.NotSupported, $"unsupported request type '{message.Type}': this node serves init, add and read (g-counter)")],
        };
    }

    /// <summary>One gossip round of the replica; nothing before <c>init</c>.</summary>
    public IReadOnlyList<byte[]> Tick()
    {
        if (_replica is null)
        {
            return [];
        }
        _replica.Tick();
        return Execute(_replica);
    }

    IReadOnlyList<byte[]> Init(Incoming message, long msgId)
    {
        if (!TryReadInit(message.Body, out var nodeId, out var nodeIds, out var problem))
        {
            return [Error(message, msgId, ErrorCode.MalformedRequest, problem)];
        }
        if (_replica is not null)
        {
            return _replica.Address == nodeId && _nodeIds.SetEquals(nodeIds)
                ? [Outgoing.Reply(nodeId, message.Src, NextMsgId(), msgId, "init_ok")]
                : [Error(message, msgId, ErrorCode.Abort, $"already initialized as {_replica.Address}; a node cannot change its id or cluster")];
        }
        var seed = options.Seed ?? Random.Shared.Next();
        // Every node starts empty at init and Maelstrom never restarts one, so the state is new, not a lost disk:
        // the replica takes adds at once instead of waiting to recover from peers.
        var core = new ReplicaNode(ReplicaId.Parse(nodeId), nodeId, Math.Max(1, time.GetUtcNow().ToUnixTimeMilliseconds()),
            options.Replication, time, new Random(seed), new CounterMap(), nodeIds.Where(n => n != nodeId));
        _replica = new Replica(core, options.Replica, time);
        _nodeIds = nodeIds;
        Log.Initialized(logger, nodeId, nodeIds.Count, seed);
        return [Outgoing.Reply(nodeId, message.Src, NextMsgId(), msgId, "init_ok")];
    }

    static bool TryReadInit(JsonElement body, out string nodeId, out HashSet<string> nodeIds, out string problem)
    {
        nodeId = "";
        nodeIds = new HashSet<string>(StringComparer.Ordinal);
        problem = "init needs node_id (a string) and node_ids (an array of strings that contains node_id)";
        if (!body.TryGetProperty("node_id", out var id) || id.ValueKind != JsonValueKind.String ||
            !body.TryGetProperty("node_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        nodeId = id.GetString()!;
        foreach (var element in ids.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || !nodeIds.Add(element.GetString()!))
            {
                problem = "node_ids must be distinct strings";
                return false;
            }
        }
        if (nodeIds.FirstOrDefault(n => !ReplicaId.TryParse(n, out _)) is { } bad)
        {
            problem = $"node id '{bad}' is not 1-{ReplicaId.MaxLength} characters from [A-Za-z0-9._-]";
            return false;
        }
        return nodeIds.Contains(nodeId);
    }

    List<byte[]> Add(Replica replica, Incoming message, long msgId)
    {
        if (!message.Body.TryGetProperty("delta", out var d) || d.ValueKind != JsonValueKind.Number || !d.TryGetUInt64(out var delta))
        {
            return [Error(message, msgId, ErrorCode.MalformedRequest, "add needs delta, a non-negative integer (a g-counter only grows)")];
        }
        if (delta == 0)
        {
            // The workload's "add 0": nothing to count, so nothing to commit.
            return [Outgoing.Reply(replica.Address, message.Src, NextMsgId(), msgId, "add_ok")];
        }
        _waiting[replica.Submit(ViewRequest.Add(Counter, delta))] = (message, msgId);
        return Execute(replica);
    }

    List<byte[]> Gossip(Incoming message)
    {
        if (_replica is null || !_nodeIds.Contains(message.Src) || message.Src == _replica.Address)
        {
            Log.GossipDropped(logger, message.Src, _replica is null ? "not initialized" : "not from a peer node");
            return [];
        }
        var gossip = GossipBody.TryDecode(message.Body, out var error);
        if (gossip is null || gossip.Sender.Address != message.Src)
        {
            Log.GossipDropped(logger, message.Src, gossip is null ? error : $"sender address '{gossip.Sender.Address}' is not its src");
            return [];
        }
        if (_replica.Receive(gossip) is { } refused)
        {
            Log.GossipDropped(logger, message.Src, refused.Detail);
        }
        return Execute(_replica);
    }

    /// <summary>Carries out what the replica asks until it asks nothing more: appends and snapshots are durable at
    /// once (memory is this host's storage), in number order; messages become gossip lines, answers replies.</summary>
    List<byte[]> Execute(Replica replica)
    {
        var lines = new List<byte[]>();
        for (var ready = replica.TakeReady(); !ready.IsEmpty; ready = replica.TakeReady())
        {
            var snapshot = ready.Snapshot?.Number;
            foreach (var append in ready.Appends)
            {
                if (snapshot < append.Number)
                {
                    replica.SnapshotDone(snapshot.Value);
                    snapshot = null;
                }
                replica.AppendDurable(append.Number);
            }
            if (snapshot is { } number)
            {
                replica.SnapshotDone(number);
            }
            foreach (var (address, gossip) in ready.Messages)
            {
                // Maelstrom rejects a message to a node it does not know; the core only addresses seeds and the
                // senders it heard from, which are all in node_ids.
                if (_nodeIds.Contains(address))
                {
                    lines.Add(Outgoing.Gossip(replica.Address, address, GossipCodec.Encode(gossip)));
                }
                else
                {
                    Log.GossipDropped(logger, address, "not a node of this cluster");
                }
            }
            foreach (var answer in ready.Answers)
            {
                if (_waiting.Remove(answer.Ticket, out var asked))
                {
                    lines.Add(Answer(replica, answer, asked.Message, asked.MsgId));
                }
            }
        }
        return lines;
    }

    byte[] Answer(Replica replica, ViewAnswer answer, Incoming message, long msgId) => answer.Status switch
    {
        ViewStatus.Ok => Outgoing.Reply(replica.Address, message.Src, NextMsgId(), msgId, "add_ok"),
        ViewStatus.Busy => Error(message, msgId, ErrorCode.TemporarilyUnavailable, answer.Detail ?? "busy"),
        // Every other refusal is definite too: the replica counted nothing.
        _ => Error(message, msgId, ErrorCode.Abort, answer.Detail ?? answer.Status.ToString()),
    };

    byte[] Error(Incoming message, long msgId, ErrorCode code, string text)
    {
        Log.Refused(logger, message.Type, message.Src, (int)code, text);
        return Outgoing.Error(_replica?.Address ?? message.Dest, message.Src, NextMsgId(), msgId, code, text);
    }

    long NextMsgId() => ++_nextMsgId;

    static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Initialized as {NodeId} in a cluster of {Nodes} nodes, core seed {Seed}")]
        public static partial void Initialized(ILogger logger, string nodeId, int nodes, int seed);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable stdin line skipped: {Reason}")]
        public static partial void Unreadable(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Reply {Type} from {Src} ignored: this node sends no requests")]
        public static partial void ReplyIgnored(ILogger logger, string type, string src);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Type} from {Src} has no msg_id and cannot be answered")]
        public static partial void NoMsgId(ILogger logger, string type, string src);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Gossip with {Node} dropped: {Reason}")]
        public static partial void GossipDropped(ILogger logger, string node, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Type} from {Src} with error {Code}: {Text}")]
        public static partial void Refused(ILogger logger, string type, string src, int code, string text);
    }
}
