using static TorchSharp.torch;

namespace Harness.Erasure;

/// The Fantope F_k = { P symmetric : 0 <= eigenvalues(P) <= 1, trace(P) = k }, the convex hull of the
/// rank-k orthogonal projections, over which RLACE relaxes its search (Ravfogel et al. 2022).
public static class Fantope
{
    /// The Euclidean (Frobenius) projection of the symmetric matrix a [d, d] onto F_rank: with
    /// a = U diag(l) U^T, the result is U diag(clamp(l - theta, 0, 1)) U^T where the shift theta is
    /// found by bisection so that the clamped eigenvalues sum to rank. a is symmetrised first
    /// ((a + a^T) / 2). Float64 result.
    public static Tensor Project(Tensor a, long rank)
    {
        if (a.dim() != 2 || a.shape[0] != a.shape[1])
            throw new HarnessException($"a: expected a square matrix [d, d], got shape [{string.Join(", ", a.shape)}]");
        if (!a.is_floating_point())
            throw new HarnessException($"a: expected float32 or float64 values, got {a.dtype}");
        long d = a.shape[0];
        if (rank < 1 || rank > d)
            throw new HarnessException($"rank: must be between 1 and the dimension {d}, got {rank}");
        using var scope = NewDisposeScope();
        var s = a.to_type(ScalarType.Float64);
        if (!s.isfinite().all().item<bool>())
            throw new HarnessException("a: contains NaN or infinite values");
        s = (s + s.T) * 0.5;
        var (l, u) = linalg.eigh(s);
        var (values, _) = ProjectSpectrum(l.data<double>().ToArray(), 0, 0, rank);
        var projected = u.matmul(diag(tensor(values))).matmul(u.T);
        return ((projected + projected.T) * 0.5).MoveToOuterDisposeScope();
    }

    /// Projects a spectrum onto { 0 <= v <= 1, sum v = rank }: the eigenvalues `values`, plus one more
    /// eigenvalue `restValue` of multiplicity `restCount` (the part of the space a factored matrix
    /// leaves implicit). Returns the projected values and the projected rest value.
    internal static (double[] Values, double RestValue) ProjectSpectrum(double[] values, double restValue, long restCount, long rank)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (restCount > 0) { lo = Math.Min(lo, restValue); hi = Math.Max(hi, restValue); }
        if (values.Length + restCount < rank)
            throw new ArgumentException($"a spectrum of {values.Length + restCount} values cannot sum to {rank} within [0, 1]");

        // f(theta) = sum clamp(v - theta, 0, 1) - rank falls from (count - rank) >= 0 at lo - 1 to
        // -rank < 0 at hi; bisect until the bracket stops shrinking.
        double Excess(double theta)
        {
            double sum = 0;
            foreach (var v in values) sum += Math.Clamp(v - theta, 0, 1);
            if (restCount > 0) sum += restCount * Math.Clamp(restValue - theta, 0, 1);
            return sum - rank;
        }
        double a = lo - 1, b = hi;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (a + b);
            if (mid <= a || mid >= b) break;
            if (Excess(mid) > 0) a = mid; else b = mid;
        }
        double theta = 0.5 * (a + b);

        // f is linear between breakpoints: solve it exactly on the piece holding theta, the values
        // strictly inside (theta, theta + 1) being the free ones.
        double freeSum = 0, full = 0, freeCount = 0;
        void Classify(double v, double count)
        {
            if (v - theta >= 1) full += count;
            else if (v - theta > 0) { freeSum += count * v; freeCount += count; }
        }
        foreach (var v in values) Classify(v, 1);
        if (restCount > 0) Classify(restValue, restCount);
        if (freeCount > 0)
        {
            double exact = (freeSum + full - rank) / freeCount;
            if (Math.Abs(Excess(exact)) <= Math.Abs(Excess(theta))) theta = exact;
        }

        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Math.Clamp(values[i] - theta, 0, 1);
        return (result, Math.Clamp(restValue - theta, 0, 1));
    }
}
