using System.Text;

namespace Harness.Experiments;

/// The folder a run writes: results.json, items.jsonl (the items behind every mean), report.md,
/// spec.json (a copy of the spec), run.json (what it ran on, RunInfo), plot-*.png and directions/
/// (every fitted basis, FittedDirections).
/// A folder that already holds any of these belongs to another run and is refused, unless the user
/// passes --force; then exactly those files are replaced (a stale plot of the other run is removed
/// so that the folder holds one run), and nothing else in the folder is touched.
public static class RunFolder
{
    public const string ReportFile = "report.md";
    public const string SpecFile = "spec.json";
    public const string PlotPrefix = "plot-";

    public static readonly string[] OwnFiles = [ResultsFile.FileName, Evidence.ItemsFile.FileName, ReportFile, SpecFile, RunInfo.FileName];

    /// runs/<spec>-<model>-<yyyyMMdd-HHmmss> under the current folder.
    public static string Default(string specName, IReadOnlyList<string> models, DateTime now) =>
        Path.Combine("runs", $"{specName}-{string.Join("+", models.Select(Safe))}-{now:yyyyMMdd-HHmmss}");

    /// The files of a run that are already in `folder`.
    public static IReadOnlyList<string> Existing(string folder) =>
        !Directory.Exists(folder) ? []
        : OwnFiles.Where(f => File.Exists(Path.Combine(folder, f)))
            .Concat(Directory.EnumerateFiles(folder, PlotPrefix + "*.png").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            .Concat(Directory.Exists(Path.Combine(folder, FittedDirections.Folder)) ? [FittedDirections.Folder + "/"] : [])
            .ToList();

    /// Checks the folder can take this run (before any work): refuses one holding another run's
    /// files unless `force`. Creates nothing.
    public static void Check(string folder, bool force)
    {
        if (File.Exists(folder)) throw new HarnessException($"--out {folder}: is a file, not a folder");
        var existing = Existing(folder);
        if (existing.Count > 0 && !force)
            throw new UsageException($"--out {folder}: already holds another run's files ({string.Join(", ", existing)}); pass --force to replace them or choose another folder");
    }

    /// Creates the folder (recorded in IO.CreatedPaths, so an interrupted run removes it again) and,
    /// with force, removes the previous run's files (only those).
    public static void Prepare(string folder, bool force)
    {
        Check(folder, force);
        try
        {
            IO.CreatedPaths.CreateFolder(folder);
            foreach (var f in Existing(folder))
            {
                if (f.EndsWith('/')) RemoveDirections(Path.Combine(folder, f.TrimEnd('/')));
                else File.Delete(Path.Combine(folder, f));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"--out {folder}: cannot prepare the folder ({e.Message})");
        }
    }

    /// An earlier run's directions/: its .safetensors files, then the folders left empty; anything
    /// else a user put there stays.
    private static void RemoveDirections(string directions)
    {
        foreach (var file in Directory.EnumerateFiles(directions, "*.safetensors", SearchOption.AllDirectories).ToList()) File.Delete(file);
        foreach (var dir in Directory.EnumerateDirectories(directions, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(directions))
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
    }

    /// A model name for titles: a folder path shows as its last folder's name.
    public static string Display(string name)
    {
        var trimmed = name.Replace('\\', '/').TrimEnd('/');
        return trimmed.StartsWith('/') || trimmed.StartsWith('.') || trimmed.StartsWith('~') || trimmed.Count(c => c == '/') > 1
            ? Path.GetFileName(trimmed)
            : name;
    }

    /// A model name as part of a file name: `EleutherAI/gpt-neo-125m` -> `EleutherAI--gpt-neo-125m`.
    public static string Safe(string name)
    {
        var trimmed = name.Replace('\\', '/').TrimEnd('/');
        if (trimmed.Contains("/./") || trimmed.StartsWith('.') || trimmed.StartsWith('/') || trimmed.Count(c => c == '/') > 1)
            trimmed = Path.GetFileName(trimmed);
        var s = new StringBuilder();
        foreach (var c in trimmed.Replace("/", "--"))
            s.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return s.Length == 0 ? "model" : s.ToString();
    }
}
