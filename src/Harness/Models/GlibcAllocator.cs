using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Harness.Models;

/// Keeps the process's resident memory flat over thousands of forward passes on Linux, at every
/// activation size, without paying for a page fault on every tensor.
///
/// LibTorch takes activation buffers from malloc. glibc serves a block from mmap (returned to the
/// system when freed) only above a threshold that it raises by itself, up to 32 MiB, each time such a
/// block is freed; below it, blocks come from the heap, whose free space fragments as blocks of many
/// sizes come and go, and is never handed back: GPT-2-small at batch 4 x 64 tokens grew by about
/// 10 MiB a pass with live tensors constant. Fixing the threshold low (MALLOC_MMAP_THRESHOLD_) only
/// moves blocks above it out of the heap, so growth comes back at the shapes whose blocks are
/// smaller, and every block above it costs an mmap, a munmap and a page fault per 4 KiB page on each
/// use (the quickstart spent half its wall time in the kernel at 1 MiB).
///
/// So the heap keeps glibc's own dynamic threshold (fast reuse), and the free space that fragmentation
/// leaves behind is given back: after a forward pass, once resident memory has grown more than
/// SlackBytes past its level, and at least MinInterval after the last trim, `malloc_trim(0)` releases
/// every whole free page in every arena (MADV_DONTNEED; since glibc 2.8 not only the top of the heap).
/// What a trim costs is the page faults of the pages the next passes touch again, so trims are kept
/// rare: the level is read one pass after a trim (see AfterForwardPass), and the interval bounds them
/// when a workload's own peaks (a [prompts, vocab] float64 tensor) cross the slack on every pass.
/// Measured (bench, GPT-2-small, 1 thread): 4 x 64 tokens +6.7 MiB over 60 passes at 305 tokens/s,
/// against +112 MiB at 263 with the fixed threshold and +119 MiB at 340 with glibc untouched.
///
/// A user who tunes glibc themselves (any MALLOC_* variable, or GLIBC_TUNABLES) is left alone; note that
/// glibc fixes its threshold as soon as MALLOC_MMAP_THRESHOLD_, MALLOC_TOP_PAD_ or MALLOC_TRIM_THRESHOLD_
/// is set, and `GLIBC_TUNABLES=glibc.malloc.perturb=0` gives glibc's untouched behaviour for comparison.
internal static class GlibcAllocator
{
    /// How far resident memory may grow past its level after the last trim before the next trim.
    public const long SlackBytes = 16L << 20;

    /// The least time between two trims.
    /// The least time between two trims: measured on the quickstart, 1 s took it from 111 s to 86 s
    /// (no interval: 5.1 M page faults, 1 s: 3.8 M); 3 s gained only 4 s more.
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    private static long _lastTrim;

    private static readonly Lazy<bool> Enabled = new(Probe);
    private static readonly Lock Gate = new();
    private static long _floor = -1;
    private static long _trims;

    /// Whether this process trims glibc's heap after forward passes (false off glibc, or when the
    /// user tunes malloc through the environment).
    public static bool IsActive => Enabled.Value;

    /// How many trims ran so far (for `bench`).
    public static long Trims => Interlocked.Read(ref _trims);

    /// One line for `bench`: what the allocator does in this process.
    public static string Describe() => IsActive
        ? $"glibc heap trimmed after a forward pass once resident memory has grown {SlackBytes >> 20} MiB past its level after the last trim, at most every {MinInterval.TotalSeconds:0} s"
        : UserTuned() is { } variable
            ? $"allocator left as {variable} sets it"
            : "allocator left as it is (not glibc)";

    /// Called at the end of every forward pass: trims the heap if resident memory has grown by more
    /// than the slack since the last trim. Costs one read of /proc/self/statm otherwise.
    public static void AfterForwardPass()
    {
        if (!IsActive) return;
        lock (Gate)
        {
            // The level is read at the end of the first pass after a trim, so that it includes the
            // pages a pass needs (freed, still resident, reused by the next pass); measured right
            // after a trim it would not, and every pass would trim and fault its pages back in.
            long resident = ResidentBytes();
            if (_floor < 0) { _floor = resident; return; }
            if (resident - _floor <= SlackBytes) return;
            if (_lastTrim != 0 && Stopwatch.GetElapsedTime(_lastTrim) < MinInterval) return;
            _lastTrim = Stopwatch.GetTimestamp();
            malloc_trim(0);
            _trims++;
            _floor = -1;
        }
    }

    /// Resident set size from /proc/self/statm (pages), the number the kernel accounts to us.
    private static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    private static string? UserTuned()
    {
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { Length: > 0 }) return "GLIBC_TUNABLES";
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string key && key.StartsWith("MALLOC_", StringComparison.Ordinal))
                return key;
        return null;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || UserTuned() is not null) return false;
        try
        {
            malloc_trim(0);
            return File.Exists("/proc/self/statm");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl): nothing to do
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
#pragma warning disable SYSLIB1054 // a plain blittable call: no marshalling to generate
    private static extern int malloc_trim(nuint pad);
#pragma warning restore SYSLIB1054
}
