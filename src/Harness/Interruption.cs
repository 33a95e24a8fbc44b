namespace Harness;

/// The one cancellation of the process: the command line requests it on Ctrl-C (SIGINT), and the
/// long loops check it at their natural boundaries (a forward-pass batch, a unit of an experiment,
/// a fit step, a training step, a download read), throwing OperationCanceledException there. No
/// loop is cut in the middle of a step, and no check sits inside a file write, so what is on disk
/// is always whole; the command line then removes what the interrupted invocation created
/// (IO.CreatedPaths) and exits 130.
public static class Interruption
{
    private static CancellationTokenSource _source = new();

    /// Cancelled once an interruption is requested; pass it to asynchronous work (downloads).
    public static CancellationToken Token => _source.Token;

    public static bool Requested => _source.IsCancellationRequested;

    /// Throws OperationCanceledException if an interruption was requested.
    public static void ThrowIfRequested() => _source.Token.ThrowIfCancellationRequested();

    public static void Request() => _source.Cancel();

    /// A fresh, unrequested state: for tests that interrupt a run in-process and then go on.
    internal static void Reset()
    {
        var old = Interlocked.Exchange(ref _source, new CancellationTokenSource());
        old.Dispose();
    }
}
