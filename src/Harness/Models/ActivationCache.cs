using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// The activations one <see cref="LanguageModel.RunWithCache"/> recorded, by hook-site name, each
/// [prompts, tokens, d] of the right-padded batch, with the prompts' tokens. It owns its tensors
/// (they belong to no dispose scope): dispose it to free them.
/// </summary>
public sealed class ActivationCache : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> _activations;

    internal ActivationCache(IReadOnlyDictionary<string, Tensor> activations, IReadOnlyList<int[]> tokens)
    {
        _activations = activations;
        Tokens = tokens;
    }

    /// <summary>The cached site names.</summary>
    public IEnumerable<string> Sites => _activations.Keys;

    /// <summary>Each prompt's token ids.</summary>
    public IReadOnlyList<int[]> Tokens { get; }

    /// <summary>Each prompt's length in tokens; later positions of its row are padding.</summary>
    public IReadOnlyList<int> Lengths => Tokens.Select(t => t.Length).ToArray();

    /// <summary>The activation [prompts, tokens, d] at a cached site.</summary>
    public Tensor this[string site] => _activations.TryGetValue(site, out var x)
        ? x
        : throw new HarnessException($"site '{site}' was not cached (cached: {string.Join(", ", Sites)})");

    /// <summary>The activation at each prompt's own last token: [prompts, d].</summary>
    public Tensor Last(string site)
    {
        var x = this[site];
        var rows = arange(Tokens.Count, device: x.device);
        var last = tensor(Tokens.Select(t => (long)t.Length - 1).ToArray(), device: x.device);
        return x.index(TensorIndex.Tensor(rows), TensorIndex.Tensor(last));
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose()
    {
        foreach (var x in _activations.Values) x.Dispose();
    }
}
