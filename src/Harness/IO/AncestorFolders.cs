namespace Harness.IO;

/// Finds a folder of the repository from wherever the harness runs: the root of a clone, a
/// sub-folder of it, or a `dotnet test` output folder (tests/X/bin/Debug/net10.0) inside it.
public static class AncestorFolders
{
    /// The first folder, among each start and then its ancestors (start by start), for which
    /// `matches` holds; null when none does.
    public static string? Find(IEnumerable<string> starts, Func<string, bool> matches)
    {
        foreach (var start in starts)
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (matches(dir.FullName)) return dir.FullName;
        return null;
    }
}
