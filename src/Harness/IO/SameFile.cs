using System.Runtime.InteropServices;

namespace Harness.IO;

/// Whether two paths name the same file, however they are spelt: `./a/../X.npy` and `X.npy`, a
/// symbolic link and its target (links followed at every level, as realpath does), and on Linux
/// two hard links to one file (same device and inode). Used to refuse an output that is one of the
/// verb's own inputs.
public static class SameFile
{
    /// The full path with every symbolic link along it followed. A path that does not exist (yet)
    /// keeps its missing part as written, under its existing part resolved.
    public static string Resolve(string path) => Resolve(path, 0);

    public static bool Equal(string a, string b)
    {
        var ra = Resolve(a);
        var rb = Resolve(b);
        if (string.Equals(ra, rb, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            return true;
        return Identity(ra) is { } ia && Identity(rb) is { } ib && ia == ib;
    }

    private const int MaxLinks = 40; // as the kernel's ELOOP limit

    private static string Resolve(string path, int depth)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            string? target;
            try { target = new FileInfo(next).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { target = null; }
            // `current` has no links left in it, so a relative target is resolved against the real folder.
            if (target is not null && depth < MaxLinks)
                next = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(current, target), depth + 1);
            current = next;
        }
        return current;
    }

    /// (device, inode) of an existing file on Linux; null elsewhere or when it cannot be read.
    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
            return null;
        // struct stat on Linux x86-64 and arm64 starts with st_dev (u64) and st_ino (u64); the rest
        // (at most 144 bytes) is not read.
        var buffer = new byte[256];
        try
        {
            if (stat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a C library without a plain `stat` symbol (glibc before 2.33)
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    [DllImport("libc", EntryPoint = "stat")]
    private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
}
