namespace Harness.IO;

/// What the current invocation has created on disk: files that did not exist before it wrote them,
/// folders it made, and the temporary files it is writing. When the invocation is interrupted
/// (Ctrl-C), RemoveAll deletes them, so that nothing half-made is left: no temporary file, no run
/// folder holding results.json but no report. Files it replaced (with --force) are not listed: the
/// old content is gone either way, and the new one is whole (writes are atomic, see AtomicFile).
/// The command line starts and ends every invocation with Forget.
public static class CreatedPaths
{
    private static readonly Lock Gate = new();
    private static readonly List<string> Created = new();
    private static readonly HashSet<string> Temporary = new(StringComparer.Ordinal);

    /// Records a file or folder this invocation has just created.
    public static void Add(string path)
    {
        lock (Gate) Created.Add(Path.GetFullPath(path));
    }

    /// Creates `folder` and its missing ancestors, recording each one that did not exist.
    public static void CreateFolder(string folder)
    {
        var missing = new List<string>();
        for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); dir is not null && !dir.Exists; dir = dir.Parent)
            missing.Add(dir.FullName);
        Directory.CreateDirectory(folder);
        for (int i = missing.Count - 1; i >= 0; i--) Add(missing[i]);
    }

    /// A temporary file being written; EndTemporary once it is moved or deleted.
    public static void BeginTemporary(string path)
    {
        lock (Gate) Temporary.Add(path);
    }

    public static void EndTemporary(string path)
    {
        lock (Gate) Temporary.Remove(path);
    }

    /// Starts a new invocation's record (what earlier ones created stays).
    public static void Forget()
    {
        lock (Gate)
        {
            Created.Clear();
            Temporary.Clear();
        }
    }

    /// Deletes the temporary files, then what was created, newest first (a folder only if it is
    /// empty by then: what someone else put in it stays). Best effort: a path that cannot be
    /// removed is skipped. Returns how many paths were removed.
    public static int RemoveAll()
    {
        string[] temporary, created;
        lock (Gate)
        {
            temporary = Temporary.ToArray();
            created = Created.AsEnumerable().Reverse().ToArray();
            Temporary.Clear();
            Created.Clear();
        }
        int removed = 0;
        foreach (var path in temporary.Concat(created))
        {
            try
            {
                if (File.Exists(path)) { File.Delete(path); removed++; }
                else if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) { Directory.Delete(path); removed++; }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }
}
