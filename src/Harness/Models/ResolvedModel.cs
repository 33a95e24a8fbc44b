namespace Harness.Models;

/// Where a `--model` argument was found.
public enum ModelSource
{
    /// A folder the user named.
    Directory,
    /// An embedded organism, `experiments/organisms/<name>/`.
    Organism,
    /// A hub model that was already in the HuggingFace cache.
    HubCache,
    /// A hub model downloaded into the HuggingFace cache by this resolve.
    HubDownload,
}

/// The outcome of resolving `--model`: a folder in HuggingFace layout that has been checked to hold
/// config.json and complete safetensors weights.
/// Name is what the user asked for (or the default organism's name); Directory is absolute (for a hub
/// model, its snapshot folder, whose files may be symbolic links into the cache's blobs); WeightFiles
/// are absolute paths in load order (one file, or the shards of a sharded checkpoint); Commit is the
/// hub commit for hub models.
public sealed record ResolvedModel(
    string Name,
    ModelSource Source,
    string Directory,
    IReadOnlyList<string> WeightFiles,
    string? Commit = null)
{
    public string ConfigPath => Path.Combine(Directory, CheckpointFolder.ConfigFile);
}
