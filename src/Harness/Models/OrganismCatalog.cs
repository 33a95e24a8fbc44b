using Harness.IO;

namespace Harness.Models;

/// The embedded model organisms: small checkpoints committed to this repository, one folder each,
/// `experiments/organisms/<name>/` in HuggingFace layout.
public sealed class OrganismCatalog
{
    public const string RelativeFolder = "experiments/organisms";

    /// The organisms folder, or null when none was found (Problem says why).
    public string? Root { get; }

    /// Why Root is null, phrased for an error message.
    public string? Problem { get; }

    private OrganismCatalog(string? root, string? problem)
    {
        Root = root;
        Problem = problem;
    }

    /// The folder named by options.OrganismsDir (HARNESS_ORGANISMS_DIR), else the first
    /// `experiments/organisms` found walking up from each of options.OrganismSearchStarts.
    public static OrganismCatalog Locate(ResolverOptions options)
    {
        if (options.OrganismsDir is { } explicitDir)
        {
            var full = Path.GetFullPath(explicitDir);
            return Directory.Exists(full)
                ? new OrganismCatalog(full, null)
                : new OrganismCatalog(null, $"the organisms folder {full} (HARNESS_ORGANISMS_DIR) does not exist");
        }
        var found = FindUpwards(options.OrganismSearchStarts);
        return found is not null
            ? new OrganismCatalog(found, null)
            : new OrganismCatalog(null,
                $"no {RelativeFolder} folder was found above {string.Join(" or ", options.OrganismSearchStarts.Distinct())} (set HARNESS_ORGANISMS_DIR)");
    }

    /// The first `experiments/organisms` folder in one of `starts` or their ancestors, trying each
    /// start in turn; null when there is none.
    public static string? FindUpwards(IEnumerable<string> starts) =>
        AncestorFolders.Find(starts, dir => Directory.Exists(Path.Combine(dir, RelativeFolder))) is { } root
            ? Path.Combine(root, RelativeFolder)
            : null;

    /// The organisms present, sorted.
    public IReadOnlyList<string> Names() =>
        Root is null
            ? []
            : Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>()
                .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList();

    /// The folder of organism `name`, or null when there is no such organism.
    public string? Folder(string name)
    {
        if (Root is null || !Paths.IsPlainName(name)) return null;
        var folder = Path.Combine(Root, name);
        return Directory.Exists(folder) ? folder : null;
    }

    /// What there is to choose from, for error messages: "available organisms: a, b".
    public string Describe()
    {
        if (Root is null) return Problem!;
        var names = Names();
        return names.Count == 0 ? $"{Root} holds no organisms" : $"available organisms: {string.Join(", ", names)}";
    }
}
