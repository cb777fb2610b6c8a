using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Tally.Crdt;
using Tally.Storage;
using Tally.Storage.Tests.PowerLoss;

namespace Tally.Node.Tests.PowerLoss;

/// <summary>The node's commit pipeline (<see cref="ViewRecorder"/> over a real <see cref="FileStateStore"/>) with the
/// power cut at a drawn file operation while clients send views: every view answered 200 must be on the disk that
/// is left. A process kill keeps the OS page cache, so only this shows an answer sent before its fsync.</summary>
public class CommitPowerLossTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordView_KeepsEveryAnsweredView_WhenThePowerFailsAtAnyFileOperation()
    {
        for (var seed = 0; seed < 16; seed++)
        {
            await PowerCutRunAsync(seed);
        }
    }

    static async Task PowerCutRunAsync(int seed)
    {
        var random = new Random(seed);
        var directory = Path.Combine(Path.GetTempPath(), "tally-powerloss-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = new PowerLossFiles();
            var store = new FileStateStore(new StorageOptions { DataDirectory = directory }, NullLogger<FileStateStore>.Instance, null, files);
            var answered = new ConcurrentDictionary<string, ulong>();
            var node = await InProcessNode.StartAsync(store);
            try
            {
                // After the start, so the cut falls among the commits: a drawn operation of the writes and fsyncs.
                files.CrashAt(files.Operations + random.Next(1, 120));
                var clients = Enumerable.Range(0, 4).Select(c => SendUntilCrashAsync(node.Client, files, new Random(seed * 10 + c), answered));
                await Task.WhenAll(clients);
            }
            finally
            {
                files.Crash();
                await node.DisposeAsync();
                await store.DisposeAsync();
                files.RestoreDisk(seed % 2 == 0 ? random : null);
            }

            var reopened = new FileStateStore(new StorageOptions { DataDirectory = directory }, NullLogger<FileStateStore>.Instance);
            await using (reopened)
            {
                var disk = await reopened.LoadAsync(Ct);
                Assert.True(!answered.IsEmpty, $"Seed={seed}: some views must be answered before the power fails");
                foreach (var (video, total) in answered)
                {
                    var kept = disk?.ValueOf(VideoId.Parse(video)) ?? 0;
                    Assert.True(kept >= total,
                        $"Seed={seed}: {video} was answered 200 with total {total}, but after the power cut the disk holds {kept}");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Sends one view at a time to a drawn video until the power fails (or 60 views), keeping the highest
    /// total answered per video.</summary>
    static async Task SendUntilCrashAsync(HttpClient client, PowerLossFiles files, Random random, ConcurrentDictionary<string, ulong> answered)
    {
        for (var i = 0; i < 60 && !files.IsCrashed; i++)
        {
            var video = $"v{random.Next(6)}";
            using var response = await client.PostAsync($"/videos/{video}/views", Http.Json("""{"amount":1}"""), Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue; // refused: the store failed when the power went, so nothing was promised
            }
            var total = (await response.ReadJsonAsync()).U64("total");
            answered.AddOrUpdate(video, total, (_, seen) => Math.Max(seen, total));
        }
    }
}
