namespace Harness.Models;

/// Small path helpers shared by model resolution.
internal static class Paths
{
    /// The user's home folder ($HOME, as Python's expanduser reads it).
    public static string Home(Func<string, string?> env) =>
        env("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// `~` and `~/x` expanded to the home folder; anything else unchanged. Shells expand `~`
    /// themselves, but experiment specs and environment variables may carry it literally.
    public static string ExpandHome(string path, Func<string, string?>? env = null)
    {
        if (path == "~") return Home(env ?? Environment.GetEnvironmentVariable);
        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            return Path.Combine(Home(env ?? Environment.GetEnvironmentVariable), path[2..]);
        return path;
    }

    /// Whether `path` is a regular file, following symbolic links. File.Exists is true for a
    /// dangling link (the link itself exists), and a snapshot in the hub cache is made of links
    /// whose blob may have been deleted.
    public static bool FileExists(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return false;
        if (info.LinkTarget is null) return true;
        return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
    }


    /// A single file or folder name: no separators, not `.` or `..`. Names that come from the
    /// network (ETags, commit hashes, shard names) must be this before they become paths.
    public static bool IsPlainName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0;
}
