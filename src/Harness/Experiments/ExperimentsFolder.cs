using Harness.IO;

namespace Harness.Experiments;

/// The repository's `experiments/` folder (specs, datasets, organisms), found by walking up from
/// the current directory and then from the program's own folder, so the harness works from any
/// sub-folder of a clone and from `dotnet test` output folders.
public static class ExperimentsFolder
{
    public const string Name = "experiments";

    public static string? Find() =>
        AncestorFolders.Find([Directory.GetCurrentDirectory(), AppContext.BaseDirectory],
            dir => Directory.Exists(Path.Combine(dir, Name, "datasets"))) is { } root
            ? Path.Combine(root, Name)
            : null;

    /// A dataset given by name (`gender` → experiments/datasets/gender) or by folder path.
    public static string Dataset(string nameOrPath)
    {
        if (Directory.Exists(nameOrPath)) return nameOrPath;
        if (nameOrPath.Contains('/') || nameOrPath.Contains(Path.DirectorySeparatorChar))
            throw new HarnessException($"{nameOrPath}: dataset folder not found");
        var root = Find() ?? throw new HarnessException($"dataset '{nameOrPath}': no experiments/datasets folder above {Directory.GetCurrentDirectory()} (give the dataset's folder path instead)");
        var folder = Path.Combine(root, "datasets", nameOrPath);
        if (!Directory.Exists(folder))
        {
            var known = Directory.GetDirectories(Path.Combine(root, "datasets")).Select(Path.GetFileName).Order();
            throw new HarnessException($"dataset '{nameOrPath}' not found in {Path.Combine(root, "datasets")} (known: {string.Join(", ", known)})");
        }
        return folder;
    }
}
