using System.Text;
using Harness.IO;
using Snapshooter;
using Snapshooter.Core;

namespace Hypotheses.Snapshots;

/// Where Snapshooter reads and writes, replacing its default layout (a `__snapshots__` folder
/// beside the test source) with ours:
///   snapshot:   <FolderPath>/<Filename>                 e.g. snapshots/gpt2/Swap.json
///   mismatch:   <FolderPath>/__mismatch__/<Filename>    e.g. snapshots/gpt2/__mismatch__/Swap.json
/// Files are UTF-8 without a byte-order mark, '\n' line ends, written atomically. Cleaning up removes
/// only this snapshot's stale mismatch (and the __mismatch__ folder once empty), never another
/// hypothesis's.
internal sealed class SnapshotFiles : ISnapshotFileHandler, ISnapshotEnvironmentCleaner
{
    public const string MismatchFolderName = "__mismatch__";

    // Creating and removing the shared __mismatch__ folder must not race between parallel tests.
    private static readonly Lock Gate = new();

    public static string SnapshotPath(SnapshotFullName name) => Path.Combine(name.FolderPath, name.Filename);

    public static string MismatchPath(SnapshotFullName name) =>
        Path.Combine(name.FolderPath, MismatchFolderName, name.Filename);

    public string SaveNewSnapshot(SnapshotFullName snapshotFullName, string snapshotData)
    {
        var path = SnapshotPath(snapshotFullName);
        Write(path, snapshotData);
        return path;
    }

    public string SaveMismatchSnapshot(SnapshotFullName snapshotFullName, string snapshotData)
    {
        var path = MismatchPath(snapshotFullName);
        Write(path, snapshotData);
        return path;
    }

    public string ReadSnapshot(SnapshotFullName snapshotFullName) =>
        TryReadSnapshot(snapshotFullName, out var data)
            ? data
            : throw new FileNotFoundException("no snapshot", SnapshotPath(snapshotFullName));

    /// Snapshooter's SnapshotAssert tells "missing" by a null snapshotData (it then compares the
    /// result with itself and saves it as new), although the interface declares it non-null.
    public bool TryReadSnapshot(SnapshotFullName snapshotFullName, out string snapshotData)
    {
        var path = SnapshotPath(snapshotFullName);
        if (!File.Exists(path))
        {
            snapshotData = null!;
            return false;
        }
        snapshotData = File.ReadAllText(path, Encoding.UTF8); // drops a byte-order mark if an editor added one
        return true;
    }

    public void DeleteSnapshot(SnapshotFullName snapshotFullName)
    {
        var path = SnapshotPath(snapshotFullName);
        if (File.Exists(path)) File.Delete(path);
    }

    /// Snapshooter means "delete the whole subfolder"; here all hypotheses of a model share one
    /// __mismatch__ folder, so only this snapshot's file goes, then the folder if nothing is left.
    public void DeleteSnapshotSubfolder(SnapshotFullName snapshotFullName, string subfolderName)
    {
        var folder = Path.Combine(snapshotFullName.FolderPath, subfolderName);
        lock (Gate)
        {
            var file = Path.Combine(folder, snapshotFullName.Filename);
            if (File.Exists(file)) File.Delete(file);
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
    }

    /// Before each check: forget this snapshot's mismatch from an earlier run.
    public void Cleanup(SnapshotFullName snapshotFullName) => DeleteSnapshotSubfolder(snapshotFullName, MismatchFolderName);

    private static void Write(string path, string text)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)
            .GetBytes(text.TrimStart('\uFEFF').ReplaceLineEndings("\n"));
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, s => s.Write(bytes));
        }
    }
}
