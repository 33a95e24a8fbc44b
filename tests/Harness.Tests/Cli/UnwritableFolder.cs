using System.Diagnostics;

namespace Harness.Tests.Cli;

/// A temporary folder this process cannot create files in: read-only permissions and, when the
/// tests run as root (whom permissions do not stop), the immutable attribute (`chattr +i`). Where
/// neither takes effect the test is inconclusive rather than passing or failing for no reason.
public sealed class UnwritableFolder : IDisposable
{
    private readonly TempFolder _temp = new();
    private bool _immutable;

    public UnwritableFolder()
    {
        Path = _temp.File("locked");
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            if (!CanWrite()) return;
            _immutable = Chattr("+i");
            if (_immutable && !CanWrite()) return;
        }
        Dispose();
        Assert.Inconclusive("cannot make a folder unwritable here (Windows, or root where chattr +i does not work)");
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// What is in the folder (it should stay empty: no probe or temporary file left behind).
    public string[] Entries() => Directory.GetFileSystemEntries(Path);

    private bool CanWrite()
    {
        var probe = File("probe");
        try
        {
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool Chattr(string flag)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("chattr", [flag, Path]) { RedirectStandardError = true, RedirectStandardOutput = true });
            if (p is null) return false;
            p.WaitForExit(10_000);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_immutable) Chattr("-i");
        _immutable = false;
        if (!OperatingSystem.IsWindows() && Directory.Exists(Path))
            System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _temp.Dispose();
    }
}
