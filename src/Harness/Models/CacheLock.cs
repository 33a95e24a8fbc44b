namespace Harness.Models;

/// An exclusive lock on a lock file in the hub cache, held while one blob downloads, so that two
/// processes (two test runs, or this harness and a Python session) never write the same
/// `.incomplete` file at once. On Unix, .NET takes FileShare.None as flock(LOCK_EX), the same lock
/// Python's filelock takes, so the two exclude each other. The lock dies with its process, so a
/// crashed download never leaves the cache locked.
internal sealed class CacheLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly FileStream _file;

    private CacheLock(FileStream file) => _file = file;

    /// Waits until the lock is free; `onWait` runs once if it is not free at first.
    public static async Task<CacheLock> AcquireAsync(string path, Action onWait, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var waiting = false;
        while (true)
        {
            try
            {
                return new CacheLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                if (!waiting) onWait();
                waiting = true;
                await Task.Delay(Poll, ct);
            }
        }
    }

    public void Dispose() => _file.Dispose();

    // "Held by someone else" is EWOULDBLOCK on Unix (11 on Linux, 35 on macOS) and a sharing
    // violation on Windows; any other I/O error is real and must not be waited on forever.
    private static bool IsHeldElsewhere(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020);
}
