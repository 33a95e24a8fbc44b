namespace Harness.Models;

/// Turns a `--model` argument into a local folder in HuggingFace layout (see ARCHITECTURE.md):
///   - null: the default organism, `gpt2-dropout`;
///   - an existing directory, or anything that looks like a path (`./x`, `/x`, `~/x`, `a/b/c`): that
///     directory, which must hold config.json and safetensors weights;
///   - the name of an embedded organism, `experiments/organisms/<name>/`;
///   - otherwise a hub id (`gpt2`, `EleutherAI/gpt-neo-125m`): its snapshot in the HuggingFace cache,
///     downloaded into that cache first when missing (unless offline).
/// Order matters only for names that are several things at once: a directory in the current folder
/// wins (as in transformers' from_pretrained), then an organism, then the hub. A model found in the
/// cache is used as it is, without asking the hub for a newer commit: results stay reproducible
/// and a cached model works without a network.
public sealed class ModelResolver(ResolverOptions options)
{
    public const string DefaultOrganism = "gpt2-dropout";

    public ResolverOptions Options => options;

    /// Resolves `model`; throws HarnessException (one line naming what is at fault) when it cannot.
    /// Without a token of its own, a download stops on Ctrl-C (Interruption).
    public ResolvedModel Resolve(string? model, CancellationToken ct = default) =>
        ResolveAsync(model, ct.CanBeCanceled ? ct : Interruption.Token).GetAwaiter().GetResult();

    public async Task<ResolvedModel> ResolveAsync(string? model, CancellationToken ct = default)
    {
        if (model is null)
        {
            var catalog = OrganismCatalog.Locate(options);
            var folder = catalog.Folder(DefaultOrganism)
                         ?? throw new HarnessException(
                             $"no --model given and the default organism '{DefaultOrganism}' is missing ({catalog.Describe()})");
            return FromOrganism(NoRevision(DefaultOrganism, "an organism"), folder);
        }
        if (string.IsNullOrWhiteSpace(model))
            throw new UsageException("model: the name is empty (give a directory, a hub id such as gpt2, or an organism name)");

        var path = Paths.ExpandHome(model);
        if (Directory.Exists(path)) return FromDirectory(NoRevision(model, "a directory"), path);
        if (File.Exists(path))
            throw new HarnessException($"model '{model}' is a file; give the directory that holds {CheckpointFolder.ConfigFile} and the weights");
        if (LooksLikePath(model))
            throw new HarnessException($"model directory '{Path.GetFullPath(path)}' does not exist");

        var organisms = OrganismCatalog.Locate(options);
        if (organisms.Folder(model) is { } organism) return FromOrganism(NoRevision(model, "an organism"), organism);
        if (!HubRepoId.IsValid(model))
            throw new HarnessException(
                $"model '{model}' is not a directory, an organism or a hub id like gpt2 or EleutherAI/gpt-neo-125m ({organisms.Describe()})");
        return await FromHubAsync(model, organisms, ct);
    }

    /// A revision names a hub commit: asked of a local folder it would be silently ignored.
    private string NoRevision(string model, string kind) => options.Revision == ResolverOptions.DefaultRevision
        ? model
        : throw new UsageException($"model '{model}' is {kind}: a revision ('{options.Revision}') applies to hub ids only");

    private static ResolvedModel FromDirectory(string model, string path)
    {
        var full = Path.GetFullPath(path);
        var weights = CheckpointFolder.WeightFiles(full, $"model directory '{full}'");
        return new ResolvedModel(model, ModelSource.Directory, full, weights);
    }

    private static ResolvedModel FromOrganism(string name, string folder)
    {
        var weights = CheckpointFolder.WeightFiles(folder, $"organism '{name}' ({folder})");
        return new ResolvedModel(name, ModelSource.Organism, folder, weights);
    }

    private async Task<ResolvedModel> FromHubAsync(string repoId, OrganismCatalog organisms, CancellationToken ct)
    {
        var cache = new HubCache(options.HubCache);
        if (cache.FindComplete(repoId, options.Revision) is { } hit)
            return Hub(repoId, ModelSource.HubCache, hit.Folder, hit.Commit);

        // Say what else the name could have meant: `org/name` may be a mistyped relative path, a bare
        // name a mistyped organism (list them).
        var orElse = repoId.Contains('/') ? "; nor is there a directory of that name" : $"; nor is it an organism ({organisms.Describe()})";
        if (options.Offline)
            throw new HarnessException(
                $"model '{repoId}' is not in the HuggingFace cache {cache.Root} and HF_HUB_OFFLINE forbids downloading it{orElse}");
        try
        {
            using var client = new HubClient(options);
            var (folder, commit) = await new HubDownloader(options, cache, client).DownloadAsync(repoId, ct);
            return Hub(repoId, ModelSource.HubDownload, folder, commit);
        }
        catch (HubRepoNotFoundException e)
        {
            throw new HarnessException(e.Message + orElse, e);
        }
    }

    private static ResolvedModel Hub(string repoId, ModelSource source, string folder, string commit) =>
        new(repoId, source, folder, CheckpointFolder.WeightFiles(folder, $"model '{repoId}' in the HuggingFace cache ({folder})"), commit);

    /// Hub ids are `name` or `org/name`; anything rooted, starting with `.` or `~`, with a backslash,
    /// a trailing slash or more than one `/` can only be a path.
    private static bool LooksLikePath(string model) =>
        Path.IsPathRooted(model)
        || model.StartsWith('.') || model.StartsWith('~')
        || model.Contains('\\') || model.EndsWith('/')
        || model.Count(c => c == '/') > 1;
}
