using Harness.Edits;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// How much an edit damages the model's predictions: the mean, over the chosen positions, of the KL
/// divergence of the edited from the unedited next-token distribution,
///
///     KL(P_unedited || P_edited) = sum_t p_unedited(t) (log p_unedited(t) - log p_edited(t)),
///
/// in nats. This direction ("of the edited from the unedited") weights tokens by how likely the
/// unedited model found them, so it is large when the edit destroys predictions the model was
/// confident in, and it is +infinity if the edit makes an unedited-possible token impossible. It is
/// the usual damage measure (the expected extra code length paid for using the edited model on
/// text the unedited model would write).
public static class KlDamage
{
    /// unedited, edited: logits of the same shape [.., vocab] (typically [n, seq, vocab], or
    /// [n, vocab] for last positions); mask: bool of shape [..] (e.g. [n, seq]), true where a
    /// position counts; null counts every position. Returns the mean KL in nats.
    public static double Mean(Tensor unedited, Tensor edited, Tensor? mask = null)
    {
        const string metric = "kl damage";
        if (unedited.dim() < 1 || !unedited.is_floating_point())
            throw new HarnessException($"{metric}: unedited logits must be floating point [.., vocab], got {unedited.dtype} {Shape.Text(unedited.shape)}");
        if (!edited.is_floating_point() || !edited.shape.SequenceEqual(unedited.shape))
            throw new HarnessException($"{metric}: edited logits must be floating point with the unedited shape {Shape.Text(unedited.shape)}, got {edited.dtype} {Shape.Text(edited.shape)}");
        using var scope = NewDisposeScope();
        var flat = PositionRows.FlatMask(metric, mask, unedited.shape[..^1]);
        long vocab = unedited.shape[^1];
        var p = PositionRows.Select(unedited.detach().reshape(-1, vocab), flat);
        var q = PositionRows.Select(edited.detach().reshape(-1, vocab), flat);
        long rows = p.shape[0];
        if (rows == 0) throw new HarnessException($"{metric}: the mask selects no positions");
        double total = PositionRows.SumInChunks(rows, (lo, hi) =>
            Divergence(p[TensorIndex.Slice(lo, hi)], q[TensorIndex.Slice(lo, hi)]).sum().item<double>());
        return total / rows;
    }

    /// KL per row of last-position logits [n, vocab] (one value per prompt, in nats), in chunks so
    /// that the float64 copies stay small. Mean(unedited, edited) is their mean.
    public static double[] PerRow(Tensor unedited, Tensor edited)
    {
        if (unedited.dim() != 2 || !edited.shape.SequenceEqual(unedited.shape))
            throw new HarnessException($"kl damage: per-row logits must both be [n, vocab], got {Shape.Text(unedited.shape)} and {Shape.Text(edited.shape)}");
        long rows = unedited.shape[0];
        var values = new double[rows];
        PositionRows.SumInChunks(rows, (lo, hi) =>
        {
            var chunk = Divergence(unedited.detach()[TensorIndex.Slice(lo, hi)], edited.detach()[TensorIndex.Slice(lo, hi)]).data<double>().ToArray();
            chunk.CopyTo(values, lo);
            return 0;
        });
        return values;
    }

    /// KL(P || Q) per row, float64 [rows], from logits [rows, vocab] (log_softmax in float64).
    /// Tokens with p = 0 contribute 0 (the 0 log 0 = 0 convention), not NaN.
    public static Tensor Divergence(Tensor pLogits, Tensor qLogits)
    {
        using var scope = NewDisposeScope();
        var logP = pLogits.to_type(ScalarType.Float64).log_softmax(-1);
        var logQ = qLogits.to_type(ScalarType.Float64).log_softmax(-1);
        var prob = logP.exp();
        var terms = where(prob > 0, prob * (logP - logQ), zeros_like(prob));
        return terms.sum(-1).MoveToOuterDisposeScope();
    }
}
