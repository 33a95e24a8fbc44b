using System.Diagnostics;
using System.Globalization;

namespace Harness.Models;

/// Plain progress lines for one file transfer ("gpt2/model.safetensors: 120.0 / 548.1 MB, 23.4 MB/s"),
/// at most one per interval. Plain lines rather than a redrawn bar: the output is often a log file
/// or CI console, where carriage returns make a mess.
internal sealed class DownloadProgress
{
    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly long? _total;
    private readonly long _start;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine;

    /// `start` is what an earlier, interrupted transfer already left on disk.
    public DownloadProgress(TextWriter writer, string label, long? total, long start, TimeSpan interval)
    {
        _writer = writer;
        _label = label;
        _total = total;
        _start = start;
        _interval = interval;
        if (start > 0) _writer.WriteLine($"{label}: resuming at {Mb(start)} MB");
    }

    public void Report(long done)
    {
        var now = _clock.Elapsed;
        if (now - _lastLine < _interval) return;
        _lastLine = now;
        _writer.WriteLine($"{_label}: {Mb(done)} / {(_total is { } t ? Mb(t) : "?")} MB, {Rate(done)} MB/s");
    }

    public void Finish(long done) =>
        _writer.WriteLine($"{_label}: {Size(done)} done in {Seconds(_clock.Elapsed)} s, {Rate(done)} MB/s");

    private string Rate(long done)
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        return ((done - _start) / 1e6 / seconds).ToString("F1", CultureInfo.InvariantCulture);
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);

    // config.json and friends are a few kB: "0.0 MB done" would read as if nothing arrived.
    private static string Size(long bytes) =>
        bytes < 100_000 ? (bytes / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " kB" : Mb(bytes) + " MB";
    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
}
