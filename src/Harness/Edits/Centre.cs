using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Edits;

/// Where an affine edit (project, reflect, scale) puts the origin: the edit moves the component of
/// v - m along the directions, so after a projection D v' = D m. Only D m matters, since the
/// component of m orthogonal to the directions cancels out of v - (v - m) D^T D.
public enum CentreKind
{
    /// The mean of the training activations (LEACE's choice: erasure around the class-pooled mean).
    Mean,
    /// The per-direction medians of the training activations' coordinates, m = D^T median(D x):
    /// the thread's "affine projection around the median", robust to outliers along d.
    Median,
    /// The origin: a plain linear projection, v - v D^T D.
    Zero,
    /// The centre the direction finder fitted (IDirectionBasis.Centre: the training mean for
    /// affine methods, else zeros). Resolved by EditContext, not computed here.
    Basis,
}

/// Computes mean, median and zero centres from training activations [n, d] and a direction
/// basis D [k, d] (orthonormal rows). Results are float64 [d] tensors in the current dispose scope.
public static class Centre
{
    public static Tensor Compute(CentreKind kind, Tensor? activations, Tensor directions) => kind switch
    {
        CentreKind.Mean => Mean(activations ?? throw new HarnessException("centre 'mean': needs training activations (none were given)"), directions.shape[^1]),
        CentreKind.Median => Median(activations ?? throw new HarnessException("centre 'median': needs training activations (none were given)"), directions),
        CentreKind.Zero => Zero(directions.shape[^1]),
        _ => throw new HarnessException($"centre '{kind.ToString().ToLowerInvariant()}': comes from the fitted direction basis, not from activations"),
    };

    /// The mean of the training activations [n, d], as float64 [d].
    public static Tensor Mean(Tensor activations, long d)
    {
        using var scope = NewDisposeScope();
        var x = TrainingRows(activations, d, "mean");
        return x.mean([0]).MoveToOuterDisposeScope();
    }

    /// m = D^T med, where med [k] holds the median of each coordinate D x over the training rows.
    /// For k = 1 this is the thread's m = median(d . x) d. An even count takes the mean of the two
    /// middle values (NumPy's median), so the centre does not depend on which middle is "lower".
    public static Tensor Median(Tensor activations, Tensor directions)
    {
        using var scope = NewDisposeScope();
        var D = OrthonormalDirections.Require(directions, "centre 'median'");
        var x = TrainingRows(activations, D.shape[1], "median");
        var coords = x.mm(D.t());                        // [n, k]
        var sorted = coords.sort(0).Values;
        long n = sorted.shape[0];
        var med = n % 2 == 1
            ? sorted[n / 2]
            : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;  // [k]
        return med.unsqueeze(0).mm(D).squeeze(0).MoveToOuterDisposeScope();
    }

    /// The origin, float64 [d].
    public static Tensor Zero(long d) => zeros(d, dtype: ScalarType.Float64);

    private static Tensor TrainingRows(Tensor activations, long d, string kind)
    {
        if (activations.dim() != 2 || activations.shape[1] != d)
            throw new HarnessException($"centre '{kind}': training activations must be [n, {d}], got shape {Shape.Text(activations.shape)}");
        if (activations.shape[0] == 0)
            throw new HarnessException($"centre '{kind}': training activations are empty");
        if (!activations.is_floating_point())
            throw new HarnessException($"centre '{kind}': training activations must be floating point, got {activations.dtype}");
        return activations.detach().to_type(ScalarType.Float64);
    }
}
