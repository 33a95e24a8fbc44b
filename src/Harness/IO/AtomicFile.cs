namespace Harness.IO;

/// Writes a file so that it appears whole or not at all: the bytes go to a temporary file beside the
/// target, which is moved over the target only once complete. A crash or a full disk never leaves a
/// half-written file under the user's name, and never damages the file that was there before.
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new HarnessException($"{path}: cannot write: folder '{dir}' does not exist");
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{path}: cannot write ({e.Message})");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
