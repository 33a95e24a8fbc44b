using System.Runtime.InteropServices;

namespace Harness.Cli;

/// How an exception that ends a verb is reported: the exit code and the one line that follows
/// "error: " on stderr. UsageException: 2; HarnessException: 1 with its message; out of memory (.NET's
/// OutOfMemoryException, or LibTorch's allocator failing, which TorchSharp surfaces as an
/// ExternalException): 1, said plainly; any other exception: 1 with its type and first line, since
/// it is a bug or a case the harness does not know yet (HARNESS_DEBUG=1 shows the stack trace).
/// Interruption is decided by the command line before this is asked.
internal static class Failure
{
    public static (int Code, string Message) Describe(Exception e)
    {
        e = Unwrap(e);
        return e switch
        {
            UsageException => (CommandLine.ExitUsage, OneLine(e.Message)),
            HarnessException => (CommandLine.ExitFailure, OneLine(e.Message)),
            OutOfMemoryException => (CommandLine.ExitFailure, $"out of memory ({FirstLine(e.Message)}); try a smaller model, batch or dtype"),
            ExternalException when IsAllocationFailure(e.Message) =>
                (CommandLine.ExitFailure, $"out of memory: {FirstLine(e.Message)}; try a smaller model, batch or dtype"),
            ExternalException => (CommandLine.ExitFailure, $"LibTorch: {FirstLine(e.Message)}"),
            IOException or UnauthorizedAccessException => (CommandLine.ExitFailure, FirstLine(e.Message)),
            OperationCanceledException => (CommandLine.ExitFailure, $"cancelled: {FirstLine(e.Message)}"),
            _ => (CommandLine.ExitFailure, $"{e.GetType().Name}: {FirstLine(e.Message)} (unexpected; set HARNESS_DEBUG=1 for the stack trace)"),
        };
    }

    /// LibTorch's CPU and CUDA allocators say so in these words.
    private static bool IsAllocationFailure(string message) =>
        message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
        || message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    /// The exception that says what happened, not the wrapper around it.
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case TypeInitializationException { InnerException: { } inner }: e = inner; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    /// LibTorch's messages carry a C++ backtrace after the first line.
    private static string FirstLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length > 0 ? line : "(no message)";
    }

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
