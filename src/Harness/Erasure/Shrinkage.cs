using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Covariance shrinkage, as in EleutherAI's concept-erasure (shrinkage.py).
public static class Shrinkage
{
    /// Optimal linear shrinkage of a sample covariance S_n [p, p] (normalised by n, not n - 1)
    /// towards the isotropic matrix with the same trace (Bai, Silverstein et al., "On the Strong
    /// Convergence of the Optimal Linear Shrinkage Estimator for Large Dimensional Covariance
    /// Matrix", arXiv:1308.2608). With T = tr(S_n), s0 = T^2 / p (the squared Frobenius norm of
    /// the target, which equals tr(S_n target)), top = T^2 s0 / n and bottom = |S_n|_F^2 s0 - s0^2:
    /// alpha = 1 - (top + eps) / (bottom + eps), beta = (1 - alpha) (s0 + eps) / (s0 + eps), and the
    /// estimate is alpha S_n + beta T / p I. The eps terms (machine epsilon of the dtype) keep the
    /// zero matrix finite. Returns a new tensor of S_n's dtype.
    public static Tensor OptimalLinear(Tensor sn, double n)
    {
        long p = sn.shape[^1];
        if (sn.dim() != 2 || sn.shape[0] != p)
            throw new ArgumentException($"expected a square matrix, got [{string.Join(", ", sn.shape)}]", nameof(sn));
        using var scope = NewDisposeScope();
        double eps = sn.dtype == ScalarType.Float32 ? Math.Pow(2, -23) : Math.Pow(2, -52);
        double trace = sn.trace().ToDouble();
        double s0 = trace * trace / p;
        double normSq = sn.square().sum().ToDouble();
        double top = trace * trace * s0 / n;
        double bottom = normSq * s0 - s0 * s0;
        double alpha = 1 - (top + eps) / (bottom + eps);
        double beta = (1 - alpha) * (s0 + eps) / (s0 + eps);
        var result = sn * alpha;
        result.diagonal().add_(beta * trace / p);
        return result.MoveToOuterDisposeScope();
    }
}
