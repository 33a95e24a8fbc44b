using static TorchSharp.torch;

namespace Harness.Edits;

/// The check that a direction basis D [k, d] really has orthonormal rows. The projection formula
/// v - (v - m) D^T D is only a projection when D D^T = I; with a non-orthonormal D it silently
/// does something else (shrinks or over-removes), so edits refuse such a D instead of guessing.
public static class OrthonormalDirections
{
    /// Largest |D D^T - I| entry accepted. Loose enough for float32-orthonormalised rows
    /// (d = 768 dot products carry ~1e-6 of rounding), tight enough to catch unnormalised rows.
    public const double Tolerance = 1e-5;

    /// Returns D as a float64 [k, d] tensor (a new tensor in the current dispose scope), or throws a
    /// HarnessException naming `argument` when D is not [k, d] with 0 <= k <= d, finite and
    /// orthonormal. k = 0 is a method that found nothing to erase (INLP whose first probe is already
    /// at chance): every edit along an empty subspace is the identity, and the results say so.
    public static Tensor Require(Tensor directions, string argument)
    {
        if (directions.dim() != 2)
            throw new HarnessException($"{argument}: directions must be [k, d], got shape {Shape.Text(directions.shape)}");
        long k = directions.shape[0], d = directions.shape[1];
        if (k > d)
            throw new HarnessException($"{argument}: needs at most d = {d} directions, got shape {Shape.Text(directions.shape)}");
        if (!directions.is_floating_point())
            throw new HarnessException($"{argument}: directions must be floating point, got {directions.dtype}");
        ActivationRows.RequireFinite(directions, argument);
        var D = directions.detach().to_type(ScalarType.Float64);
        if (k == 0) return D;
        double error;
        using (NewDisposeScope())
            error = (D.mm(D.t()) - eye(k, dtype: ScalarType.Float64, device: D.device)).abs().max().item<double>();
        if (error > Tolerance)
            throw new HarnessException(
                $"{argument}: direction rows are not orthonormal (max |D D^T - I| = {error:G3}); orthonormalise them first (e.g. QR)");
        return D;
    }
}
