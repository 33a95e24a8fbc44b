using static TorchSharp.torch;

namespace Harness.Erasure;

/// The common part of the probe, INLP and RLACE erasers: each found orthonormal directions U [k, d]
/// and erases by the orthogonal projection onto their nullspace, through the origin, as the INLP
/// and RLACE papers do: Apply(x) = x (I - U^T U) = x - (x U^T) U. The projection is linear, not
/// affine, so Centre is zeros; an edit that wants to project around the mean or the median uses
/// Directions with its own centre.
public abstract class NullspaceEraser : IEraser, IDirectionBasis
{
    private readonly Tensor _directions;

    protected NullspaceEraser(Tensor directions) => _directions = directions;

    public abstract string Method { get; }

    public long Dimension => _directions.shape[1];

    /// The number of directions removed (the rank of the erased subspace).
    public long Rank => _directions.shape[0];

    /// Orthonormal rows [k, d], float64.
    public Tensor Directions => _directions;

    /// Zeros [d] (a new tensor, in the caller's dispose scope): these methods project through the
    /// origin.
    public Tensor Centre => zeros(Dimension, dtype: ScalarType.Float64);

    /// The erasing matrix P = I - U^T U [d, d] (symmetric, idempotent, trace d - k), float64.
    public Tensor Projection() => LinearInputs.NullspaceProjection(_directions);

    /// x (I - U^T U), in x's dtype; z is ignored.
    public Tensor Apply(Tensor x, Tensor? z = null)
    {
        LinearInputs.CheckApplyInput(x, Dimension);
        return LinearInputs.ProjectOut(x, _directions);
    }

    public virtual IReadOnlyDictionary<string, Tensor> State =>
        new Dictionary<string, Tensor> { ["directions"] = _directions };

    public abstract IReadOnlyDictionary<string, string> Options { get; }
}
