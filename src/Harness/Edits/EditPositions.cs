using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Edits;

/// Applies an edit only at chosen positions of a hook site's activations v [batch, seq, d] (or any
/// [.., d] with a matching mask), leaving every other position bit-identical: the result is a copy
/// of v into which only the chosen rows are written back. Only the chosen rows are computed, which
/// is the same as editing everything and selecting, because edits are row-wise.
public static class EditPositions
{
    /// mask: bool, shape v.shape without the last dimension ([batch, seq] for [batch, seq, d]);
    /// true where the edit applies.
    public static Tensor ApplyAt(IEdit edit, Tensor v, Tensor mask)
    {
        if (v.dim() < 2)
            throw new HarnessException($"positions: activations must be [.., d] with at least one position dimension, got shape {Shape.Text(v.shape)}");
        var expected = v.shape[..^1];
        if (mask.dtype != ScalarType.Bool)
            throw new HarnessException($"positions: mask must be bool, got {mask.dtype}");
        if (!mask.shape.SequenceEqual(expected))
            throw new HarnessException($"positions: mask must have shape {Shape.Text(expected)} for activations {Shape.Text(v.shape)}, got {Shape.Text(mask.shape)}");
        using var scope = NewDisposeScope();
        var where = TensorIndex.Tensor(mask.to(v.device));
        var result = v.detach().clone();
        var chosen = v.detach().index(where);                    // [chosen, d]
        if (chosen.shape[0] > 0)
            result.index_put_(edit.Apply(chosen), where);
        return result.MoveToOuterDisposeScope();
    }

    /// positions[b] lists the sequence positions edited in batch row b (negative counts from the
    /// end, -1 = last position; an empty list edits nothing in that row).
    public static Tensor ApplyAt(IEdit edit, Tensor v, IReadOnlyList<IReadOnlyList<int>> positions)
    {
        if (v.dim() != 3)
            throw new HarnessException($"positions: activations must be [batch, seq, d] to take per-row positions, got shape {Shape.Text(v.shape)}");
        using var scope = NewDisposeScope();
        var mask = Mask(v.shape[0], v.shape[1], positions);
        return ApplyAt(edit, v, mask).MoveToOuterDisposeScope();
    }

    /// The bool mask [batch, seq] that is true at the listed positions of each batch row.
    public static Tensor Mask(long batch, long seq, IReadOnlyList<IReadOnlyList<int>> positions)
    {
        if (positions.Count != batch)
            throw new HarnessException($"positions: need one position list per batch row ({batch}), got {positions.Count}");
        var flags = new bool[batch * seq];
        for (int b = 0; b < batch; b++)
            foreach (var p in positions[b])
            {
                if (p < -seq || p >= seq)
                    throw new HarnessException($"positions: position {p} in batch row {b} is outside a sequence of {seq}");
                flags[b * seq + (p < 0 ? p + seq : p)] = true;
            }
        return tensor(flags, [batch, seq]);
    }

    /// The hook a site replaces its residual with: the edit at the masked positions, or everywhere
    /// when mask is null. The mask is captured as given (the caller keeps it alive).
    public static Func<Tensor, Tensor> Hook(IEdit edit, Tensor? mask = null) =>
        mask is null ? edit.Apply : v => ApplyAt(edit, v, mask);
}
