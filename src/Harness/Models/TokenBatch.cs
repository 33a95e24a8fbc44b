using static TorchSharp.torch;

namespace Harness.Models;

/// Prompts of different lengths as one right-padded batch: ids [batch, longest] (int64, padded
/// with token 0, which causal attention keeps real tokens from seeing) and each row's real length.
public sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor ids, int[] lengths)
    {
        Ids = ids;
        Lengths = lengths;
    }

    public Tensor Ids { get; }
    public IReadOnlyList<int> Lengths { get; }

    public static TokenBatch RightPadded(IReadOnlyList<int[]> prompts, Device? device = null)
    {
        if (prompts.Count == 0) throw new HarnessException("no prompts to run");
        for (int b = 0; b < prompts.Count; b++)
            if (prompts[b].Length == 0) throw new HarnessException($"prompt {b} is empty (no tokens)");
        int longest = prompts.Max(p => p.Length);
        var data = new long[prompts.Count * longest];
        for (int b = 0; b < prompts.Count; b++)
            for (int t = 0; t < prompts[b].Length; t++)
                data[b * longest + t] = prompts[b][t];
        var ids = tensor(data, new long[] { prompts.Count, longest }, device: device).DetachFromDisposeScope();
        return new TokenBatch(ids, prompts.Select(p => p.Length).ToArray());
    }

    /// Each row's activation at its own last real token: x [batch, tokens, ...] -> [batch, ...].
    public Tensor AtLastTokens(Tensor x) => AtLastTokens(x, Lengths);

    /// The same for activations of a right-padded batch whose row lengths are `lengths`.
    public static Tensor AtLastTokens(Tensor x, IReadOnlyList<int> lengths)
    {
        var rows = arange(lengths.Count, device: x.device);
        var last = tensor(lengths.Select(l => (long)l - 1).ToArray(), device: x.device);
        return x.index(TensorIndex.Tensor(rows), TensorIndex.Tensor(last));
    }

    /// Every real (not padding) token's row, row after row: x [batch, tokens, ...] -> [sum of lengths, ...].
    public static Tensor RealTokens(Tensor x, IReadOnlyList<int> lengths)
    {
        long longest = x.shape[1];
        var real = lengths.SelectMany(l => Enumerable.Range(0, (int)longest).Select(p => p < l)).ToArray();
        return x.flatten(0, 1)[tensor(real, device: x.device)];
    }

    public void Dispose() => Ids.Dispose();
}
