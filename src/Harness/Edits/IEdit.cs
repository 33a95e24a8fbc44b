using static TorchSharp.torch;

namespace Harness.Edits;

/// What is done to an activation at a hook site: a pure, row-wise map of activations [.., d] to
/// edited activations of the same shape and dtype. Row-wise means each position is edited on its
/// own, so applying an edit to a subset of positions (EditPositions) gives the same rows as applying
/// it everywhere. Edits own float64 copies of their tensors (so they outlive the dispose scope they
/// were built in) and free them on Dispose.
public interface IEdit : IDisposable
{
    /// The label used in results rows, e.g. "project(centre=median)" or "add(alpha=4)".
    string Name { get; }

    /// The dimension d of the rows it edits.
    long Dimension { get; }

    /// Edits v [.., d] (any leading shape, float32 or float64) and returns a new tensor of the same
    /// shape and dtype; v itself is not modified.
    Tensor Apply(Tensor v);
}
