using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>Several replicas under random views (some with idempotency keys, some retried), appends completed in
/// random order or failed, snapshots, gossip with loss, and crashes that keep what reached the disk. After every step:
/// every view answered Ok is on every replica's disk (what a restart reloads), and nothing answered "not counted" is;
/// every message leaves only once the disk holds everything its sender had merged when it was made.</summary>
public class RandomizedTests
{
    static readonly VideoId[] Videos = [.. Enumerable.Range(0, 4).Select(i => VideoId.Parse($"v{i}"))];

    [Fact]
    public void Replicas_KeepEveryAnsweredViewExactlyOnce_UnderRandomCompletionsFailuresAndCrashes()
    {
        for (var seed = 1; seed <= MutationRun.Seeds(full: 40, underMutation: 10); seed++)
        {
            new Run(seed).Execute(steps: 500);
        }
    }

    sealed class Run
    {
        readonly int _seed;
        readonly Random _random;
        readonly List<Harness> _nodes = [];
        readonly List<(Harness To, GossipMessage Message)> _network = [];
        readonly Dictionary<Harness, Model> _models = [];

        public Run(int seed)
        {
            _seed = seed;
            _random = new Random(seed);
            var time = new FakeTimeProvider(Harness.Start);
            var options = new ReplicaOptions
            {
                CommitsInFlightMax = _random.Next(1, 4),
                CommitViewsMax = _random.Next(1, 5),
                SnapshotRowsMin = _random.Next(3, 30),
            };
            string[] ids = ["n1", "n2", "n3"];
            foreach (var id in ids)
            {
                var node = new Harness(id, options, time, [.. ids.Where(s => s != id)]);
                _nodes.Add(node);
                _models[node] = new Model();
                node.AfterGossipStep = NoteProduced;
            }
        }

        public void Execute(int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                var node = _nodes[_random.Next(_nodes.Count)];
                var roll = _random.NextDouble();
                if (roll < 0.35)
                {
                    SubmitView(node);
                }
                else if (roll < 0.7)
                {
                    CompleteOne(node, failRate: 0.15);
                }
                else if (roll < 0.8)
                {
                    DeliverOne();
                }
                else if (roll < 0.88)
                {
                    node.Tick();
                }
                else if (roll < 0.94)
                {
                    Snapshot(node, failRate: 0.2);
                }
                else if (roll < 0.96)
                {
                    Crash(node);
                }
                else
                {
                    CompleteOne(node, failRate: 0);
                }
                Collect();
                Check(step, final: false);
            }
            Settle();
        }

        void SubmitView(Harness node)
        {
            var model = _models[node];
            ViewRequest request;
            if (model.Keyed.Count > 0 && _random.NextDouble() < 0.25)
            {
                request = model.Keyed[_random.Next(model.Keyed.Count)]; // a client retry
            }
            else
            {
                var key = _random.NextDouble() < 0.4 ? $"k{_random.Next(1_000_000)}" : null;
                var first = Videos[_random.Next(Videos.Length)];
                var second = Videos[_random.Next(Videos.Length)];
                request = _random.NextDouble() < 0.2 && first != second
                    ? ViewRequest.Batch([new(first, (ulong)_random.Next(1, 4)), new(second, (ulong)_random.Next(1, 4))], key)
                    : ViewRequest.Add(first, (ulong)_random.Next(1, 4), key);
                if (key is not null)
                {
                    model.Keyed.Add(request);
                }
            }
            var ticket = node.Replica.Submit(request);
            model.Outstanding.Add(ticket, request);
            node.Pump();
        }

        void CompleteOne(Harness node, double failRate)
        {
            if (node.InFlight.Count == 0)
            {
                return;
            }
            var number = node.InFlight.Keys.ElementAt(_random.Next(node.InFlight.Count));
            if (_random.NextDouble() < failRate)
            {
                node.Fail(number);
            }
            else
            {
                node.Complete(number, snapshotDue: _random.NextDouble() < 0.05);
            }
        }

        void Snapshot(Harness node, double failRate)
        {
            if (node.Snapshot is null)
            {
                return;
            }
            if (_random.NextDouble() < failRate)
            {
                node.SnapshotFailed();
            }
            else
            {
                node.SnapshotDone();
            }
        }

        void DeliverOne()
        {
            if (_network.Count == 0)
            {
                return;
            }
            var i = _random.Next(_network.Count);
            var (to, message) = _network[i];
            _network.RemoveAt(i);
            if (_random.NextDouble() < 0.05)
            {
                return; // lost
            }
            to.Receive(message);
        }

        /// <summary>The process dies; each append in flight reached the disk or not, unreported.</summary>
        void Crash(Harness node)
        {
            var model = _models[node];
            foreach (var request in model.Outstanding.Values)
            {
                foreach (var item in request.Items)
                {
                    model.Unknown[item.Video] = model.Unknown.GetValueOrDefault(item.Video) + item.Amount;
                }
            }
            model.Outstanding.Clear();
            model.Crashed = true;
            model.Produced.Clear();
            model.Released = 0;
            node.CrashAndRestart(node.InFlight.Keys.Where(_ => _random.NextDouble() < 0.5).ToList());
        }

        /// <summary>Takes the new answers into the model and the released messages into the network.</summary>
        void Collect()
        {
            foreach (var node in _nodes)
            {
                var model = _models[node];
                foreach (var (ticket, request) in model.Outstanding.ToList())
                {
                    if (!node.Answers.TryGetValue(ticket, out var answer))
                    {
                        continue;
                    }
                    model.Outstanding.Remove(ticket);
                    if (answer.Status != ViewStatus.Ok || answer.Replayed)
                    {
                        continue;
                    }
                    if (request.IdempotencyKey is { } key)
                    {
                        Assert.True(model.CountedKeys.Add(key), $"Seed={_seed}: {node.Id} counted key {key} twice");
                    }
                    foreach (var item in request.Items)
                    {
                        model.Ok[item.Video] = model.Ok.GetValueOrDefault(item.Video) + item.Amount;
                    }
                }
                foreach (var message in node.Sent)
                {
                    CheckReleased(node, model);
                    _network.Add((_nodes.Single(n => n.Id.Value == message.Address), message.Message));
                }
                node.Sent.Clear();
            }
        }

        /// <summary>A graceful leave with random completions: when the leaver asks to exit, a peer's disk holds every
        /// one of its views.</summary>
        void LeaveOne()
        {
            var leaver = _nodes[_random.Next(_nodes.Count)];
            leaver.Replica.Leave();
            for (var round = 0; round < 20 && leaver.Exit is null; round++)
            {
                foreach (var node in _nodes.Where(n => n.Exit is null))
                {
                    node.Tick();
                }
                Collect();
                while (_network.Count > 0 && leaver.Exit is null)
                {
                    var i = _random.Next(_network.Count);
                    var (to, message) = _network[i];
                    _network.RemoveAt(i);
                    to.Receive(message);
                    CompleteOne(to, failRate: 0.2);
                    Collect();
                }
            }
            Assert.True(leaver.Exit?.Reason == ExitReason.Left, $"Seed={_seed}: {leaver.Id} did not finish its leave");
            var own = leaver.Disk.Reload();
            Assert.True(_nodes.Where(n => n != leaver).Any(n => Videos.All(v => n.Disk.Reload().EntryOf(v, leaver.Id) >= own.EntryOf(v, leaver.Id))),
                $"Seed={_seed}: {leaver.Id} exited before a peer's disk held all its views");
        }

        /// <summary>Records, for each message a step made, the peer entries its sender held then.</summary>
        void NoteProduced(Harness node)
        {
            var model = _models[node];
            var produced = node.Replica.HeldMessages + model.Released + node.Replica.CommitStats.MessagesDropped;
            while (model.Produced.Count < produced)
            {
                model.Produced.Add([.. Videos.SelectMany(v => node.Replica.Read(v).Entries
                    .Where(e => e.Key != node.Id).Select(e => (v, e.Key, e.Value)))]);
            }
        }

        /// <summary>The outbox is first in, first out, and drops only its oldest: the next message released is the one
        /// after every message released or dropped so far.</summary>
        void CheckReleased(Harness node, Model model)
        {
            var index = (int)(model.Released + node.Replica.CommitStats.MessagesDropped);
            model.Released++;
            var disk = node.Disk.Reload();
            foreach (var (video, peer, entry) in model.Produced[index])
            {
                Assert.True(disk.EntryOf(video, peer) >= entry,
                    $"Seed={_seed}: {node.Id} sent a message acknowledging {peer}'s {entry} views of {video} while its disk holds {disk.EntryOf(video, peer)}");
            }
        }

        void Check(int step, bool final)
        {
            foreach (var node in _nodes)
            {
                var model = _models[node];
                var disk = node.Disk.Reload();
                foreach (var video in Videos)
                {
                    var onDisk = disk.EntryOf(video, node.Id);
                    var ok = model.Ok.GetValueOrDefault(video);
                    var pending = model.Outstanding.Values.SelectMany(r => r.Items).Where(i => i.Video == video).Aggregate(0UL, (s, i) => s + i.Amount);
                    var unknown = model.Unknown.GetValueOrDefault(video);
                    Assert.True(onDisk >= ok, $"Seed={_seed} step {step}: {node.Id} answered {ok} views of {video} Ok but its disk holds {onDisk}");
                    Assert.True(onDisk <= ok + pending + unknown,
                        $"Seed={_seed} step {step}: {node.Id}'s disk holds {onDisk} views of {video}, more than the {ok} answered Ok, {pending} open and {unknown} lost in crashes");
                    Assert.True(!final || model.Crashed || onDisk == ok, $"Seed={_seed}: {node.Id} holds {onDisk} of {video}, answered {ok}");
                }
            }
        }

        /// <summary>No more faults: every append completes, every message arrives, until every request is answered
        /// and the replicas agree.</summary>
        void Settle()
        {
            for (var round = 0; round < 30; round++)
            {
                foreach (var node in _nodes)
                {
                    node.Tick();
                    while (node.InFlight.Count > 0 || node.Snapshot is not null)
                    {
                        node.CompleteAll();
                        if (node.Snapshot is not null)
                        {
                            node.SnapshotDone();
                        }
                    }
                }
                Collect();
                while (_network.Count > 0)
                {
                    var (to, message) = _network[0];
                    _network.RemoveAt(0);
                    to.Receive(message);
                    to.CompleteAll();
                    Collect();
                }
            }
            Assert.All(_models.Values, m => Assert.Empty(m.Outstanding));
            Check(-1, final: true);
            LeaveOne();
            foreach (var video in Videos)
            {
                var counters = _nodes.Select(n => n.Replica.Read(video)).ToList();
                Assert.True(counters.All(c => c.Equals(counters[0])), $"Seed={_seed}: the replicas disagree on {video}");
                foreach (var node in _nodes)
                {
                    Assert.Equal(node.Disk.Reload().EntryOf(video, node.Id), counters[0].EntryOf(node.Id));
                }
            }
        }
    }

    sealed class Model
    {
        public Dictionary<ViewTicket, ViewRequest> Outstanding { get; } = [];
        public Dictionary<VideoId, ulong> Ok { get; } = [];
        public Dictionary<VideoId, ulong> Unknown { get; } = [];
        public List<ViewRequest> Keyed { get; } = [];
        public HashSet<string> CountedKeys { get; } = [];
        public bool Crashed { get; set; }

        /// <summary>Per message made by the current process, in order: the peer entries its sender held.</summary>
        public List<(VideoId Video, ReplicaId Peer, ulong Entry)[]> Produced { get; } = [];

        public long Released { get; set; }
    }
}
