using Harness.Hooks;
using static TorchSharp.torch;

namespace Harness.Models;

// The entry points in TransformerLens's terms (HookedTransformer.from_pretrained, run_with_cache,
// run_with_hooks), for scripts. They are thin: the resolver, the loader and ModelHooks do the work.
public sealed partial class LanguageModel
{
    /// <summary>
    /// Loads a model as TransformerLens's <c>HookedTransformer.from_pretrained</c> does: a hub id
    /// (<c>"gpt2"</c>, <c>"EleutherAI/gpt-neo-125m"</c>, found in the HuggingFace cache or
    /// downloaded into it), a local folder in HuggingFace layout, or the name of an embedded
    /// organism (<c>"gpt2-dropout"</c>); null loads the default organism. The model is in eval mode.
    /// </summary>
    /// <param name="model">Hub id, folder or organism name; null for the default organism.</param>
    /// <param name="options">Device and dtype (default: CPU, float32).</param>
    /// <param name="revision">For a hub id: a branch, tag or commit (default <c>main</c>).</param>
    public static LanguageModel FromPretrained(string? model = null, LoadOptions? options = null, string? revision = null)
    {
        var resolverOptions = ResolverOptions.FromEnvironment();
        if (revision is not null) resolverOptions = resolverOptions with { Revision = revision };
        var resolved = new ModelResolver(resolverOptions).Resolve(model);
        return HfCheckpoint.Load(resolved.Directory, options ?? LoadOptions.Default);
    }

    /// <summary>The GPT-2 token ids of a text (every supported model uses GPT-2's tokenizer).</summary>
    public int[] ToTokens(string text) => Gpt2Tokenizer.Instance.Encode(text);

    /// <summary>
    /// Runs the prompts as one right-padded batch (no gradients) and records the activation at each
    /// of <paramref name="sites"/> (TransformerLens names: <c>blocks.2.hook_resid_post</c>,
    /// <c>ln_final</c>; <see cref="ModelHooks.Sites"/> lists them all), as <c>run_with_cache</c>
    /// does. The logits are on the cache (<see cref="ActivationCache.LastLogits"/>, or all positions
    /// in <see cref="ActivationCache.Logits"/>). One batch: split very many prompts into chunks.
    /// </summary>
    public ActivationCache RunWithCache(IReadOnlyList<string> prompts, params string[] sites) =>
        Run(prompts, sites, []);

    /// <summary>
    /// Runs the prompts as one right-padded batch (no gradients) with each hook's function replacing
    /// the activation at its site, as <c>run_with_hooks</c> does: the function gets [prompts, tokens, d]
    /// and returns that shape; the hooks are removed afterwards, also when one throws. Read the logits
    /// from the result, e.g. <c>model.RunWithHooks(prompts, ("blocks.2.hook_resid_post", x =&gt; eraser.Apply(x))).LastLogits</c>.
    /// </summary>
    public ActivationCache RunWithHooks(IReadOnlyList<string> prompts, params (string Site, Func<Tensor, Tensor> Edit)[] hooks) =>
        Run(prompts, [], hooks);

    private ActivationCache Run(IReadOnlyList<string> prompts, string[] sites, (string Site, Func<Tensor, Tensor> Edit)[] hooks)
    {
        var tokens = prompts.Select(ToTokens).ToArray();
        var registrations = new List<IDisposable>();
        try
        {
            // Edits first, so that a cached site records the activation as edited.
            foreach (var (site, edit) in hooks) registrations.Add(Hooks.Replace(site, edit));
            var captures = new List<Capture>();
            foreach (var site in sites.Append(HookSite.LnFinal).Distinct(StringComparer.Ordinal))
            {
                captures.Add(Hooks.Capture(site));
                registrations.Add(captures[^1]);
            }
            using (var batch = TokenBatch.RightPadded(tokens, Device))
            using (no_grad())
                FinalHidden(batch.Ids).Dispose();
            var activations = captures.ToDictionary(c => c.Site, c => c.Last.clone().DetachFromDisposeScope(), StringComparer.Ordinal);
            return new ActivationCache(this, activations, tokens, sites);
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }
}
