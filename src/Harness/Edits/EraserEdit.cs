using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Edits;

/// Applies a fitted eraser exactly as it was fitted (LEACE's affine map, INLP's projection, ...):
/// activations [.., d] are flattened to rows [n, d] in their own dtype, passed to IEraser.Apply, and
/// reshaped back. The eraser is borrowed, not owned: disposing the edit leaves it alone.
public sealed class EraserEdit(IEraser eraser, string? name = null) : IEdit
{
    public IEraser Eraser { get; } = eraser;
    public string Name { get; } = name ?? $"erase({eraser.Method})";
    public long Dimension => Eraser.Dimension;

    public Tensor Apply(Tensor v)
    {
        if (v.dim() < 1 || v.shape[^1] != Dimension)
            throw new HarnessException($"{Name}: activations must have last dimension {Dimension}, got shape {Shape.Text(v.shape)}");
        using var scope = NewDisposeScope();
        var rows = Eraser.Apply(v.reshape(-1, Dimension));
        if (rows.shape.Length != 2 || rows.shape[0] * rows.shape[1] != v.numel())
            throw new HarnessException($"{Name}: eraser '{Eraser.Method}' returned shape {Shape.Text(rows.shape)} for {v.numel() / Dimension} rows");
        return rows.reshape(v.shape).to_type(v.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose() { }
}
