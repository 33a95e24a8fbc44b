using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Fits LEACE (Belrose et al. 2023, "LEACE: Perfect linear concept erasure in closed form",
/// arXiv:2306.03819) from running statistics, batch by batch, as EleutherAI's concept-erasure
/// LeaceFitter does: float64 running means of x and z and the unnormalised covariance of x and
/// cross-covariance of x and z, updated with the batched Welford rule
///   n += b;  dx = x - mean_x;  mean_x += sum(dx) / n;  C_xx += dx^T (x - mean_x)
///   dz = z - mean_z;  mean_z += sum(dz) / n;  C_xz += dx^T (z - mean_z)
/// which is exact for any split into batches. The eraser is computed from the statistics when
/// asked for (and cached until the next Update):
///   Sigma = shrink(C_xx / n) or C_xx / (n - 1);  Sigma_xz = C_xz / (n - 1)
///   W = Sigma^{-1/2}, W+ = Sigma^{1/2} (eigenvalues <= lambda_max d eps treated as zero)
///   u, s = svd(W Sigma_xz), columns with s <= svd_tol zeroed
///   proj_left = W+ u,  proj_right = u^T W,  P = I - proj_left proj_right
/// and, when the edit would increase the trace of Sigma (constrain_cov_trace), P is mixed with the
/// orthogonal projection Q = I - u u^T so that the trace stays the same. `orth` uses W = I.
public sealed class LeaceFitter
{
    private readonly ConceptMoments _moments;
    private LeaceEraser? _eraser;

    public LeaceFitter(long dimension, Concept concept, LeaceOptions? options = null)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "must be positive");
        Options = options ?? new LeaceOptions();
        Options.Check();
        _moments = new ConceptMoments(dimension, concept, trackXx: !Options.Orth, trackZz: false);
    }

    public long Dimension => _moments.Dimension;
    public Concept Concept => _moments.Concept;
    public LeaceOptions Options { get; }

    /// Rows seen so far.
    public long Rows => _moments.Rows;

    /// Fits on all the rows of the data at once (in chunks, to bound memory).
    public static LeaceEraser Fit(EraserData data, LeaceOptions? options = null)
    {
        var fitter = new LeaceFitter(data.Dimension, data.RequireConcept("leace"), options);
        ConceptMoments.InChunks(data, (x, z) => fitter.Update(x, z, data.XName, data.ZName));
        return fitter.Eraser;
    }

    /// Adds a batch: x [b, d] (float32 or float64) and its concept z (labels [b] or values
    /// [b, k], as the fitter's Concept says).
    public LeaceFitter Update(Tensor x, Tensor z) => Update(x, z, "x", "z");

    internal LeaceFitter Update(Tensor x, Tensor z, string xName, string zName)
    {
        _moments.Update(x, z, xName, zName);
        _eraser = null;
        return this;
    }

    /// The running mean of x [d] (a copy).
    public Tensor MeanX => _moments.MeanX.clone();

    /// The running mean of the encoded concept [columns] (a copy).
    public Tensor MeanZ => _moments.MeanZ.clone();

    /// The covariance of x used by LEACE [d, d]: symmetrised, then shrunk (shrinkage) or divided by
    /// n - 1. Not tracked by `orth`.
    public Tensor SigmaXx()
    {
        if (_moments.Cxx is null) throw new InvalidOperationException("the covariance of x is not tracked by the orth method");
        return _moments.Covariance(_moments.Cxx, Options.Shrinkage, MethodName);
    }

    /// The cross-covariance of x and the encoded concept [d, columns], divided by n - 1.
    public Tensor SigmaXz() => _moments.CrossCovariance(MethodName);

    private const string MethodName = "LEACE";

    /// The eraser for the statistics so far (computed once per Update).
    public LeaceEraser Eraser => _eraser ??= ComputeEraser();

    private LeaceEraser ComputeEraser()
    {
        _moments.RequireRows(MethodName);
        using var scope = NewDisposeScope();
        long d = Dimension;
        var sigmaXz = SigmaXz();

        Tensor? sigma = null, w = null, wInv = null;
        if (!Options.Orth)
        {
            sigma = SigmaXx();
            var (l, v) = linalg.eigh(sigma);
            // The threshold of torch.linalg.pinv: eigenvalues at or below lambda_max * d * eps are zero.
            double threshold = l[d - 1].ToDouble() * d * Math.Pow(2, -52);
            var mask = l > threshold;
            l = l.clamp_min(0.0);
            var zero = zeros_like(l);
            w = (v * where(mask, l.rsqrt(), zero)).mm(v.t());
            wInv = (v * where(mask, l.sqrt(), zero)).mm(v.t());
        }

        var (u, s, _) = linalg.svd(w is null ? sigmaXz : w.mm(sigmaXz), fullMatrices: false);
        u = u * (s > Options.SvdTol).to_type(ScalarType.Float64);
        var projLeft = wInv is null ? u : wInv.mm(u);
        var projRight = w is null ? u.t() : u.t().mm(w);

        if (Options.ConstrainCovTrace && sigma is not null)
            (projLeft, projRight) = ConstrainCovarianceTrace(projLeft, projRight, u, sigma);

        return new LeaceEraser(projLeft, projRight, Options.Affine ? _moments.MeanX : null, Options);
    }

    /// If P = I - proj_left proj_right would increase the trace of sigma (tr P sigma P^T >
    /// tr sigma), mixes P with the orthogonal projection Q = I - u u^T: P' = alpha P + (1 - alpha) Q
    /// with alpha in [0, 1] the root of the quadratic tr(P' sigma P'^T) = tr(sigma) that the library
    /// takes, and returns the factors of I - P' (U S^1/2 and S^1/2 V^T from its SVD, keeping the
    /// non-zero singular values). Otherwise returns the factors unchanged. For LEACE's own P and
    /// sigma the trace never increases in exact arithmetic (P sigma P^T = sigma - W+ u u^T W+), so
    /// this only acts on rounding; it is kept for parity with the library.
    internal static (Tensor Left, Tensor Right) ConstrainCovarianceTrace(Tensor projLeft, Tensor projRight, Tensor u, Tensor sigma)
    {
        long d = sigma.shape[0];
        using var scope = NewDisposeScope();
        // tr(P sigma P^T) with P = I - L R, from thin products only (O(r d^2), not O(d^3)):
        // tr sigma - 2 tr(R sigma L) + tr((R sigma R^T)(L^T L)).
        double oldTrace = sigma.trace().ToDouble();
        var rSigma = projRight.mm(sigma);
        double newTrace = oldTrace - 2 * (rSigma * projLeft.t()).sum().ToDouble()
            + (rSigma.mm(projRight.t()) * projLeft.t().mm(projLeft).t()).sum().ToDouble();
        if (!(newTrace > oldTrace)) return (projLeft, projRight);

        var eye = torch.eye(d, dtype: ScalarType.Float64);
        var p = eye - projLeft.mm(projRight);

        // The trace of the mixture's covariance is a quadratic in alpha:
        // a alpha^2 + b alpha (1 - alpha) + c (1 - alpha)^2 = old.
        var q = eye - u.mm(u.t());
        double a = p.mm(sigma).mm(p.t()).trace().ToDouble();
        double b = 2 * p.mm(sigma).mm(q.t()).trace().ToDouble();
        double c = q.mm(sigma).mm(q.t()).trace().ToDouble();
        double old = oldTrace;
        double discriminant = Math.Sqrt(4 * old * a - 4 * old * b + 4 * old * c - 4 * a * c + b * b);
        double alpha1 = (-b / 2 + c - discriminant / 2) / (a - b + c);
        double alpha2 = (-b / 2 + c + discriminant / 2) / (a - b + c);
        double alpha = Math.Clamp(alpha1 > 0 ? alpha1 : alpha2, 0, 1);
        // Where the library would get NaN (a negative discriminant from rounding), fall back to
        // the orthogonal projection, which never increases the trace.
        if (double.IsNaN(alpha)) alpha = 0;
        var mixed = p * alpha + q * (1 - alpha);

        // Factor I - P' = U S V^T as (U S^1/2)(S^1/2 V^T). (The library scales the columns of V^T
        // by S^1/2 instead of its rows, which gives a different matrix unless V is aligned with
        // the axes; here the factors multiply back to I - P'.)
        var (uu, ss, vh) = linalg.svd(eye - mixed, fullMatrices: false);
        var keep = (ss > ss[0].ToDouble() * d * Math.Pow(2, -52)).nonzero().squeeze(1);
        var root = ss.index_select(0, keep).sqrt();
        var left = uu.index_select(1, keep) * root;
        var right = vh.index_select(0, keep) * root.unsqueeze(1);
        return (left.MoveToOuterDisposeScope(), right.MoveToOuterDisposeScope());
    }
}
