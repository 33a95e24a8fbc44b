using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Small linear-algebra helpers shared by the erasers (float64 throughout).
public static class Subspace
{
    /// Orthonormalises the rows of `vectors` [m, d] in order (Gram-Schmidt, each step done twice
    /// for stability), dropping a row whose remainder is at most `relativeTolerance` times the
    /// largest row norm. The first kept row is the first non-negligible input row, normalised.
    public static Tensor OrthonormalRows(Tensor vectors, double relativeTolerance = 1e-10)
    {
        using var scope = NewDisposeScope();
        var v = vectors.to_type(ScalarType.Float64);
        long m = v.shape[0], d = v.shape[1];
        double scale = m == 0 ? 0 : v.norm(dim: 1).max().ToDouble();
        var kept = new List<Tensor>();
        for (long i = 0; i < m; i++)
        {
            var r = v[i].clone();
            for (int pass = 0; pass < 2; pass++)
                foreach (var q in kept)
                    r.sub_(q * r.dot(q));
            double norm = r.norm().ToDouble();
            if (norm > relativeTolerance * scale && norm > 0) kept.Add(r / norm);
        }
        var result = kept.Count == 0 ? zeros(0, d, dtype: ScalarType.Float64) : stack(kept);
        return result.MoveToOuterDisposeScope();
    }

    /// An orthonormal basis of the column space of `matrix` [d, r], as rows [k, d] (from its SVD;
    /// singular values at or below s_max * max(d, r) * eps count as zero).
    public static Tensor ColumnBasis(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        long d = matrix.shape[0], r = matrix.shape[1];
        if (r == 0) return zeros(0, d, dtype: ScalarType.Float64).MoveToOuterDisposeScope();
        var (u, s, _) = linalg.svd(matrix.to_type(ScalarType.Float64), fullMatrices: false);
        double threshold = s[0].ToDouble() * Math.Max(d, r) * Math.Pow(2, -52);
        var keep = (s > threshold).nonzero().squeeze(1);
        return u.index_select(1, keep).t().contiguous().MoveToOuterDisposeScope();
    }

    /// The largest deviation of rows [k, d] from orthonormality, max |D D^T - I|.
    public static double OrthonormalityError(Tensor rows)
    {
        if (rows.shape[0] == 0) return 0;
        using var scope = NewDisposeScope();
        var gram = rows.mm(rows.t());
        return (gram - eye(rows.shape[0], dtype: rows.dtype)).abs().max().ToDouble();
    }

    /// Checks that x holds rows of dimension d ([n, d], or [..., d]) of a float dtype, for an
    /// eraser's Apply; returns x as float64 [n, d] (call inside a dispose scope).
    internal static Tensor Rows(Tensor x, long d, string method)
    {
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new HarnessException($"x: a {method} eraser applies to float rows, got {Concept.Describe(x)}");
        if (x.dim() < 1 || x.shape[^1] != d)
            throw new HarnessException($"x: rows have dimension {(x.dim() < 1 ? 0 : x.shape[^1])} but the {method} eraser was fitted on dimension {d}");
        return x.reshape(-1, d).to_type(ScalarType.Float64);
    }
}
