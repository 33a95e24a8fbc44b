using Harness.Edits;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// Perplexity = exp(mean next-token cross-entropy), the mean over the predicted tokens chosen by the
/// mask: the logits at position t predict token t + 1.
public sealed record PerplexityResult(
    /// exp(MeanCrossEntropy).
    double Perplexity,
    /// Mean -log p(token t+1 | ..t) in nats.
    double MeanCrossEntropy,
    /// Number of predicted tokens averaged over.
    long Tokens);

public static class Perplexity
{
    /// logits: [n, seq, vocab]; tokens: integer ids [n, seq]; mask: bool [n, seq], true at real
    /// tokens (HF's attention mask), null for all. Token t (t >= 1) is predicted from the logits at
    /// t - 1 and counts when mask[i, t] is true; token 0 is never predicted. With right padding the
    /// attention mask can be passed as is.
    public static PerplexityResult Compute(Tensor logits, Tensor tokens, Tensor? mask = null)
    {
        const string metric = "perplexity";
        if (logits.dim() != 3 || !logits.is_floating_point())
            throw new HarnessException($"{metric}: logits must be floating point [n, seq, vocab], got {logits.dtype} {Shape.Text(logits.shape)}");
        long n = logits.shape[0], seq = logits.shape[1], vocab = logits.shape[2];
        if (tokens.dim() != 2 || tokens.shape[0] != n || tokens.shape[1] != seq)
            throw new HarnessException($"{metric}: tokens must have shape [{n}, {seq}] to match logits {Shape.Text(logits.shape)}, got {Shape.Text(tokens.shape)}");
        if (tokens.is_floating_point() || tokens.dtype == ScalarType.Bool || tokens.is_complex())
            throw new HarnessException($"{metric}: tokens must be integer ids, got {tokens.dtype}");
        if (seq < 2) throw new HarnessException($"{metric}: sequences of {seq} token(s) have nothing to predict");

        using var scope = NewDisposeScope();
        PositionRows.FlatMask(metric, mask, [n, seq]);
        var targets = tokens[TensorIndex.Colon, TensorIndex.Slice(1)].to_type(ScalarType.Int64).reshape(-1);
        long lo = targets.min().item<long>(), hi = targets.max().item<long>();
        if (lo < 0 || hi >= vocab)
            throw new HarnessException($"{metric}: token ids must be in [0, {vocab}), got {(lo < 0 ? lo : hi)}");
        var predicting = logits.detach()[TensorIndex.Colon, TensorIndex.Slice(0, -1)].reshape(-1, vocab);
        var flat = mask?[TensorIndex.Colon, TensorIndex.Slice(1)].reshape(-1);
        var rowsLogits = PositionRows.Select(predicting, flat);
        var rowsTargets = PositionRows.Select(targets.to(logits.device), flat);
        long rows = rowsTargets.shape[0];
        if (rows == 0) throw new HarnessException($"{metric}: the mask selects no predicted tokens");
        double total = PositionRows.SumInChunks(rows, (a, b) =>
        {
            var logProbs = rowsLogits[TensorIndex.Slice(a, b)].to_type(ScalarType.Float64).log_softmax(-1);
            return -logProbs.gather(1, rowsTargets[TensorIndex.Slice(a, b)].unsqueeze(1)).sum().item<double>();
        });
        double ce = total / rows;
        return new PerplexityResult(Math.Exp(ce), ce, rows);
    }
}
