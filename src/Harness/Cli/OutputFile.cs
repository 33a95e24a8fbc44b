namespace Harness.Cli;

/// Checks an output path before the work that fills it, so a typo in a folder name fails at once
/// rather than after minutes of computing (the write itself is atomic, see IO.AtomicFile).
internal static class OutputFile
{
    public static void CheckWritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new HarnessException($"{path}: cannot write: it is a folder");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new HarnessException($"{path}: cannot write: folder '{folder}' does not exist");
    }
}
