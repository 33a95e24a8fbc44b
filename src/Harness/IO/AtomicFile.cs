namespace Harness.IO;

/// Writes a file so that it appears whole or not at all: the bytes go to a temporary file beside the
/// target, which is moved over the target only once complete. A crash or a full disk never leaves a
/// half-written file under the user's name, and never damages the file that was there before.
/// Errors name the user's path, never the hidden temporary one, and the temporary file is gone
/// after any failure. A target that did not exist before is recorded in CreatedPaths (and the
/// temporary while it exists), so that an interrupted invocation can remove it.
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new HarnessException($"{path}: cannot write: folder '{dir}' does not exist");
        if (Directory.Exists(full))
            throw new HarnessException($"{path}: cannot write: it is a folder");
        bool existed = File.Exists(full);
        var temp = TemporaryPath(full);
        CreatedPaths.BeginTemporary(temp);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                write(stream);
            File.Move(temp, full, overwrite: true);
            if (!existed) CreatedPaths.Add(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{path}: cannot write ({Reason(e, temp, full)})");
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            CreatedPaths.EndTemporary(temp);
        }
    }

    /// A hidden name beside `full` that no other writer uses: `.X.npy.<pid>.<guid>.tmp`.
    public static string TemporaryPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// The system's reason, with the temporary file's name replaced by the user's.
    internal static string Reason(Exception e, string temp, string full) =>
        e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(temp, full, StringComparison.Ordinal).Replace(Path.GetFileName(temp), Path.GetFileName(full), StringComparison.Ordinal)
            .Replace('\n', ' ').Replace('\r', ' ').Trim().TrimEnd('.');
}
