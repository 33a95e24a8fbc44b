using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Harness.Tests.Cli;

/// The built harness (harness.dll beside the tests) run as a child process, for what only a real
/// process shows: signals and exit codes. Its output is collected as it comes.
public sealed class HarnessProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();
    private readonly Lock _gate = new();

    public HarnessProcess(string workingDirectory, params string[] args) : this(workingDirectory, _ => { }, args) { }

    /// As above, with the child's environment edited first (by `environment`).
    public HarnessProcess(string workingDirectory, Action<IDictionary<string, string?>> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotNet())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("HARNESS_DEBUG");
        environment(start.Environment);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the harness");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _err.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Out { get { lock (_gate) return _out.ToString(); } }
    public string Err { get { lock (_gate) return _err.ToString(); } }

    /// Waits until stderr contains `text`; fails the test (with what was printed) after `seconds`.
    public void WaitForError(string text, int seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (!Err.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) Assert.Fail($"the harness exited ({_process.ExitCode}) before printing '{text}':\n{Err}");
            if (clock.Elapsed.TotalSeconds > seconds) Assert.Fail($"no '{text}' after {seconds} s:\n{Err}");
            Thread.Sleep(50);
        }
    }

    /// Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status), as a shell
    /// without job control makes every background command do (`nohup cmd &` in a script): a child
    /// inherits that, and the runtime then keeps ignoring SIGINT, as it should.
    public static bool SigIntIgnoredHere
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return false;
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
        }
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    public void Interrupt()
    {
        if (kill(_process.Id, SigInt) != 0) Assert.Fail($"kill -INT {_process.Id} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// The exit code; fails the test if the process is still running after `seconds`.
    public int WaitForExit(int seconds = 120)
    {
        if (!_process.WaitForExit(seconds * 1000))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the harness did not exit within {seconds} s:\n{Err}");
        }
        _process.WaitForExit(); // the output is read to its end
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else `dotnet` on PATH.
    private static string DotNet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
