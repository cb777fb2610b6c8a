using System.Diagnostics.Metrics;

namespace Tally.Storage;

public sealed partial class FileStateStore
{
    public const string MeterName = "Tally.Storage";

    void CreateInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("tally.storage.appends", () => Stats.Appends, "{append}", "Appends acknowledged");
        meter.CreateObservableCounter("tally.storage.flushes", () => Stats.Flushes, "{fsync}", "fsync calls on the log");
        meter.CreateObservableCounter("tally.storage.bytes_written", () => Stats.BytesWritten, "By", "Record bytes appended to the log");
        meter.CreateObservableUpDownCounter("tally.storage.log_bytes", () => Stats.LogBytes, "By", "Log bytes since the newest snapshot");
        meter.CreateObservableCounter("tally.storage.failures", () => Stats.Failures, "{failure}", "Times a write or fsync failed and appends stopped");
        meter.CreateObservableCounter("tally.storage.recoveries", () => Stats.Recoveries, "{recovery}", "Times appends were taken again after a failure");
        meter.CreateObservableUpDownCounter("tally.storage.unavailable", () => Unavailable is null ? 0 : 1, "{state}", "1 while appends fail (disk full, I/O error)");
        meter.CreateObservableCounter("tally.storage.snapshots", () => Stats.Snapshots, "{snapshot}", "Snapshots written");
    }
}
