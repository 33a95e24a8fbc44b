using Harness.Hooks;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// What one <see cref="LanguageModel.RunWithCache"/> or <see cref="LanguageModel.RunWithHooks"/>
/// recorded: the activations by hook-site name, each [prompts, tokens, d] of the right-padded
/// batch (positions at or after a prompt's length are padding), the prompts' tokens, and the logits.
/// TransformerLens returns <c>(logits, cache)</c>; here the logits are read from the cache and
/// computed when read, since [prompts, tokens, 50257] floats are large and most metrics need only
/// <see cref="LastLogits"/>. It owns its tensors (they belong to no dispose scope): dispose it to
/// free them.
/// </summary>
public sealed class ActivationCache : IDisposable
{
    private readonly LanguageModel _model;
    private readonly IReadOnlyDictionary<string, Tensor> _activations;
    private readonly IReadOnlyList<string> _sites;
    private Tensor? _lastLogits, _logits;

    internal ActivationCache(LanguageModel model, IReadOnlyDictionary<string, Tensor> activations, IReadOnlyList<int[]> tokens, IReadOnlyList<string> sites)
    {
        _model = model;
        _activations = activations;
        _sites = sites.Distinct(StringComparer.Ordinal).ToArray();
        Tokens = tokens;
        Lengths = tokens.Select(t => t.Length).ToArray();
    }

    /// <summary>The sites asked for (the final hidden state <c>ln_final</c> is always kept too, for the logits).</summary>
    public IReadOnlyList<string> Sites => _sites;

    /// <summary>Each prompt's token ids.</summary>
    public IReadOnlyList<int[]> Tokens { get; }

    /// <summary>Each prompt's length in tokens; later positions of its row are padding.</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>The activation [prompts, tokens, d] at a cached site.</summary>
    public Tensor this[string site] => _activations.TryGetValue(site, out var x)
        ? x
        : throw new HarnessException($"site '{site}' was not cached (cached: {string.Join(", ", _activations.Keys)})");

    /// <summary>The activation at each prompt's own last token: [prompts, d].</summary>
    public Tensor Last(string site) => TokenBatch.AtLastTokens(this[site], Lengths);

    /// <summary>
    /// The activations at every real (not padding) token, prompt after prompt: [total tokens, d];
    /// prompt b contributes <see cref="Lengths"/>[b] rows.
    /// </summary>
    public Tensor AllPositions(string site) => TokenBatch.RealTokens(this[site], Lengths);

    /// <summary>Each prompt's next-token logits at its own last token: [prompts, vocab] (computed once, when first read).</summary>
    public Tensor LastLogits => _lastLogits ??= Unembed(hidden => TokenBatch.AtLastTokens(hidden, Lengths));

    /// <summary>The logits at every position: [prompts, tokens, vocab] (large: 50257 per position; computed once, when first read).</summary>
    public Tensor Logits => _logits ??= Unembed(hidden => hidden);

    /// The tied unembedding of (a selection of) the final hidden state, owned by the cache.
    private Tensor Unembed(Func<Tensor, Tensor> select)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _model.Unembed(select(this[HookSite.LnFinal])).DetachFromDisposeScope();
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose()
    {
        foreach (var x in _activations.Values) x.Dispose();
        _lastLogits?.Dispose();
        _logits?.Dispose();
    }
}
