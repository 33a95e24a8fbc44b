using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

/// Seeded synthetic activations with a concept planted along known directions, for the tests and the
/// benchmark of the linear methods (probe, INLP, RLACE, logistic regression).
public static class LinearConceptData
{
    /// Rows x [n, d] (float64) = offset + noise + class mean, labels z [n] in 0..classes-1 (balanced
    /// in expectation), and the planted unit direction u [d].
    ///
    /// Noise: isotropic N(0, 1), or (anisotropic) N(0, R diag(s) R^T) with a random rotation R and a
    /// power-law spectrum s_i ∝ 1 / (1 + i / 8), scaled so that the mean variance per coordinate is
    /// `scale`^2 (GPT-2's residual stream is similarly dominated by a few directions). The class
    /// means sit on the line through u: mean_c = separation * (c - (classes - 1) / 2) * u, so a
    /// binary concept has its two means `separation` apart along u.
    public static (Tensor X, Tensor Z, Tensor U) Planted(int n, int d, int seed, double separation,
        bool anisotropic = false, int classes = 2, double scale = 1.0, double offset = 0.0)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var u = randn([d], ScalarType.Float64, generator: g);
        u = u / u.norm();
        var z = randint(0, classes, [n], dtype: ScalarType.Int64, generator: g);
        Tensor noise;
        if (anisotropic)
        {
            var (rotation, _) = linalg.qr(randn([d, d], ScalarType.Float64, generator: g));
            var spectrum = 1.0 / (1.0 + arange(d, dtype: ScalarType.Float64) / 8.0);
            spectrum = spectrum / spectrum.mean();
            noise = (randn([n, d], ScalarType.Float64, generator: g) * spectrum.sqrt()).matmul(rotation.T);
        }
        else noise = randn([n, d], ScalarType.Float64, generator: g);
        var position = (z.to_type(ScalarType.Float64) - (classes - 1) / 2.0) * separation;
        var x = noise * scale + position.unsqueeze(1) * u.unsqueeze(0) + offset;
        return (x.MoveToOuterDisposeScope(), z.MoveToOuterDisposeScope(), u.MoveToOuterDisposeScope());
    }

    /// k classes at the corners of a regular simplex spanned by k - 1 random orthonormal directions
    /// (rows of the returned basis [k - 1, d]), plus isotropic unit noise.
    public static (Tensor X, Tensor Z, Tensor Basis) Simplex(int n, int d, int classes, int seed, double radius)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var (q, _) = linalg.qr(randn([d, classes], ScalarType.Float64, generator: g));
        var corners = q.T; // k orthonormal vectors; centred they span k - 1 dimensions
        corners = (corners - corners.mean([0], keepdim: true)) * radius;
        var z = randint(0, classes, [n], dtype: ScalarType.Int64, generator: g);
        var x = randn([n, d], ScalarType.Float64, generator: g) + corners.index_select(0, z);
        var basis = Harness.Erasure.LinearInputs.OrthonormalRowBasis(corners, 1e-10);
        return (x.MoveToOuterDisposeScope(), z.MoveToOuterDisposeScope(), basis.MoveToOuterDisposeScope());
    }

    /// Splits rows into the first `train` rows and the rest.
    public static (Tensor XTrain, Tensor ZTrain, Tensor XTest, Tensor ZTest) Split(Tensor x, Tensor z, int train) =>
        (x[..train], z[..train], x[train..], z[train..]);
}
