using System.Diagnostics.Metrics;
using Tally.Storage.Tests.PowerLoss;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>The store's OpenTelemetry instruments report its own counters, each under its documented name.</summary>
public class StoreMetricsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class MeterFactory : IMeterFactory
    {
        readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    /// <summary>One observation of every instrument of the store's meter, by name.</summary>
    static Dictionary<string, long> Observe(MeterFactory factory)
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FileStateStore.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    [Fact]
    public async Task Instruments_ReportTheStoresCounters_AfterAppendsAndASnapshot()
    {
        using var dir = new TempDirectory();
        using var factory = new MeterFactory();
        await using var store = new FileStateStore(new StorageOptions { DataDirectory = dir.Path }, new ListLogger<FileStateStore>(), factory);
        await store.LoadAsync(Ct);
        await store.AppendAsync(Delta("v1", 1), Ct);
        await store.AppendAsync(Delta("v2", 2), Ct);
        await store.SnapshotAsync(Merged(Delta("v1", 1), Delta("v2", 2)), Ct);
        await store.AppendAsync(Delta("v3", 3), Ct);

        var seen = Observe(factory);

        Assert.Equal(3, store.Stats.Appends);
        Assert.Equal(1, store.Stats.Snapshots);
        Assert.True(store.Stats.LogBytes > 0 && store.Stats.LogBytes < store.Stats.BytesWritten,
            $"the snapshot must have covered the first two records: {store.Stats.LogBytes} of {store.Stats.BytesWritten} bytes");
        var expected = new Dictionary<string, long>
        {
            ["tally.storage.appends"] = store.Stats.Appends,
            ["tally.storage.flushes"] = store.Stats.Flushes,
            ["tally.storage.bytes_written"] = store.Stats.BytesWritten,
            ["tally.storage.log_bytes"] = store.Stats.LogBytes,
            ["tally.storage.failures"] = 0,
            ["tally.storage.recoveries"] = 0,
            ["tally.storage.unavailable"] = 0,
            ["tally.storage.snapshots"] = 1,
        };
        Assert.Equal(expected.OrderBy(e => e.Key), seen.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Instruments_CarryTheirUnitsAndADescription()
    {
        using var dir = new TempDirectory();
        using var factory = new MeterFactory();
        await using var store = new FileStateStore(new StorageOptions { DataDirectory = dir.Path }, new ListLogger<FileStateStore>(), factory);
        var units = new Dictionary<string, string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == FileStateStore.MeterName)
            {
                units[instrument.Name] = instrument.Unit;
                Assert.False(string.IsNullOrWhiteSpace(instrument.Description), $"{instrument.Name} must say what it counts");
            }
        };
        listener.Start();

        // UCUM units, as OpenTelemetry's semantic conventions write them: dashboards scale and label by them.
        var expected = new Dictionary<string, string?>
        {
            ["tally.storage.appends"] = "{append}",
            ["tally.storage.flushes"] = "{fsync}",
            ["tally.storage.bytes_written"] = "By",
            ["tally.storage.log_bytes"] = "By",
            ["tally.storage.failures"] = "{failure}",
            ["tally.storage.recoveries"] = "{recovery}",
            ["tally.storage.unavailable"] = "{state}",
            ["tally.storage.snapshots"] = "{snapshot}",
        };
        Assert.Equal(expected.OrderBy(e => e.Key), units.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Instruments_ReportTheStoreUnavailable_AfterAWriteFails()
    {
        using var dir = new TempDirectory();
        using var factory = new MeterFactory();
        var files = new PowerLossFiles();
        await using var store = new FileStateStore(new StorageOptions { DataDirectory = dir.Path }, new ListLogger<FileStateStore>(), factory, files);
        await store.LoadAsync(Ct);
        await store.AppendAsync(Delta("v1", 1), Ct);
        files.Crash();
        await Assert.ThrowsAnyAsync<IOException>(async () => await store.AppendAsync(Delta("v1", 2), Ct));

        var seen = Observe(factory);

        Assert.NotNull(store.Unavailable);
        Assert.Equal(1, seen["tally.storage.unavailable"]);
        Assert.Equal(1, seen["tally.storage.failures"]);
        Assert.Equal(1, seen["tally.storage.appends"]);
    }
}
