using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Fits oracle LEACE (EleutherAI concept-erasure's OracleFitter): the eraser that knows each row's
/// concept z at erase time and removes its least-squares prediction from x,
///   x -> x - (z - mean_z) Sigma_zz^+ Sigma_zx,
/// the most surgical linear erasure (a lower bound on LEACE's damage). Statistics are float64
/// running means and the unnormalised cross-covariance C_xz and covariance C_zz, batch by batch:
///   n += b;  dx = x - mean_x;  mean_x += sum(dx) / n;
///   dz = z - mean_z;  mean_z += sum(dz) / n;  C_xz += dx^T (z - mean_z);  C_zz += dz^T (z - mean_z)
/// then coef = (C_xz / (n - 1)) pinv(Sigma_zz, atol = svd_tol) with Sigma_zz = shrink(C_zz / n)
/// or C_zz / (n - 1) (symmetrised).
public sealed class OracleLeaceFitter
{
    private readonly ConceptMoments _moments;
    private OracleLeaceEraser? _eraser;

    public OracleLeaceFitter(long dimension, Concept concept, OracleLeaceOptions? options = null)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "must be positive");
        Options = options ?? new OracleLeaceOptions();
        Options.Check();
        _moments = new ConceptMoments(dimension, concept, trackXx: false, trackZz: true);
    }

    public long Dimension => _moments.Dimension;
    public Concept Concept => _moments.Concept;
    public OracleLeaceOptions Options { get; }
    public long Rows => _moments.Rows;

    public static OracleLeaceEraser Fit(EraserData data, OracleLeaceOptions? options = null)
    {
        var fitter = new OracleLeaceFitter(data.Dimension, data.RequireConcept(OracleLeaceEraser.Name), options);
        ConceptMoments.InChunks(data, (x, z) => fitter.Update(x, z, data.XName, data.ZName));
        return fitter.Eraser;
    }

    public OracleLeaceFitter Update(Tensor x, Tensor z) => Update(x, z, "x", "z");

    internal OracleLeaceFitter Update(Tensor x, Tensor z, string xName, string zName)
    {
        _moments.Update(x, z, xName, zName);
        _eraser = null;
        return this;
    }

    /// The covariance of the encoded concept [columns, columns].
    public Tensor SigmaZz() => _moments.Covariance(_moments.Czz!, Options.Shrinkage, MethodName);

    /// The cross-covariance of x and the encoded concept [d, columns].
    public Tensor SigmaXz() => _moments.CrossCovariance(MethodName);

    private const string MethodName = "oracle LEACE";

    public OracleLeaceEraser Eraser => _eraser ??= ComputeEraser();

    private OracleLeaceEraser ComputeEraser()
    {
        using var scope = NewDisposeScope();
        // torch.linalg.pinv with atol given and no rtol: singular values <= atol are dropped.
        var coef = SigmaXz().mm(linalg.pinv(SigmaZz(), atol: Options.SvdTol, rtol: 0.0));
        return new OracleLeaceEraser(coef, _moments.MeanZ, Concept, Options);
    }
}
