using Harness.IO;

namespace Harness.Cli;

/// An input of a verb, for the check that no output is one of them: the option that named it
/// (`--x`, `--model`, `SPEC.json`) and the path.
internal readonly record struct InputFile(string Option, string Path);

/// The checks every verb that writes makes before the work that fills its outputs, so that a typo
/// or an unwritable folder fails at once rather than after minutes of computing, and no user file
/// is lost:
///   - an output is a file, not a folder, in a folder that exists and can be written (a probe file
///     is created there and deleted);
///   - an existing output is refused unless --force is given;
///   - an output that is one of the verb's inputs is refused even with --force, however the two
///     are spelt (`./a/../X.npy`, a symbolic link, a hard link; see IO.SameFile).
/// Folder outputs (run, datasets, train-organism) check the files they will write in the folder
/// the same way; the folder itself may not exist yet (it is created after the work). The writes
/// themselves are atomic (IO.AtomicFile). Errors name the user's path and the option that gave it.
internal static class OutputFile
{
    /// Checks the file output `path` given by `option` (e.g. "--out").
    public static void Check(string option, string path, bool force, IEnumerable<InputFile> inputs)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new HarnessException($"{option} {path}: cannot write: it is a folder");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new HarnessException($"{option} {path}: cannot write: folder '{folder}' does not exist");
        CheckNotInput(option, path, inputs);
        if (File.Exists(full) && !force)
            throw new UsageException($"{option} {path}: already exists; pass --force to replace it");
        Probe(option, path, folder);
    }

    /// Checks the folder output `folder` and the files (relative to it) the verb will write there.
    public static void CheckFolder(string option, string folder, bool force, IEnumerable<string> files, IEnumerable<InputFile> inputs)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new HarnessException($"{option} {folder}: cannot write: it is a file, not a folder");
        var outputs = files.Select(f => Path.Combine(folder, f)).ToList();
        var inputList = inputs.ToList();
        foreach (var output in outputs)
        {
            if (Directory.Exists(output))
                throw new HarnessException($"{option} {folder}: cannot write {output}: it is a folder");
            CheckNotInput(option, output, inputList);
        }
        var existing = outputs.Where(File.Exists).ToList();
        if (existing.Count > 0 && !force)
            throw new UsageException($"{option} {folder}: already holds {Describe(existing, folder)}; pass --force to replace {(existing.Count == 1 ? "it" : "them")}");
        // The folder is created later; what must be writable now is its nearest existing ancestor.
        var existingAncestor = new DirectoryInfo(full);
        while (!existingAncestor.Exists)
        {
            if (File.Exists(existingAncestor.FullName))
                throw new HarnessException($"{option} {folder}: cannot create it: '{existingAncestor.FullName}' is a file");
            existingAncestor = existingAncestor.Parent!;
        }
        Probe(option, folder, existingAncestor.FullName);
    }

    /// Refuses an output that is one of the inputs, even with --force.
    public static void CheckNotInput(string option, string output, IEnumerable<InputFile> inputs)
    {
        foreach (var input in inputs)
            if (SameFile.Equal(output, input.Path))
                throw new UsageException($"{option} {output}: is the input {input.Option} {input.Path}; write the output elsewhere");
    }

    /// Creates and deletes a hidden file in `folder`: the only sure test that it can be written.
    private static void Probe(string option, string path, string folder)
    {
        var probe = AtomicFile.TemporaryPath(Path.Combine(folder, "probe"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { if (File.Exists(probe)) File.Delete(probe); }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException) { }
            throw new HarnessException($"{option} {path}: cannot write into folder '{folder}' ({AtomicFile.Reason(e, probe, folder)})");
        }
    }

    private static string Describe(List<string> files, string folder)
    {
        var names = files.Select(f => Path.GetRelativePath(folder, f)).ToList();
        return names.Count <= 3 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))} and {names.Count - 3} more of the files it writes";
    }
}
