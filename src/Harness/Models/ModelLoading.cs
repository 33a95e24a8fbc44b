namespace Harness.Models;

/// The one place where a `--model` argument becomes a loaded model: the resolver turns it into a
/// local HuggingFace folder (a directory, the HF cache or a download, or an embedded organism;
/// the default organism when absent), and the checkpoint loader builds the model from it.
public static class ModelLoading
{
    public static LanguageModel Open(string? modelArg, LoadOptions options)
    {
        var resolved = new ModelResolver(ResolverOptions.FromEnvironment()).Resolve(modelArg);
        return HfCheckpoint.Load(resolved.Directory, options);
    }
}
