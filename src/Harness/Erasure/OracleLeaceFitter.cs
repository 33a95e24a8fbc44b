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
    private readonly Tensor _meanX, _meanZ, _cxz, _czz;
    private OracleLeaceEraser? _eraser;

    public OracleLeaceFitter(long dimension, Concept concept, OracleLeaceOptions? options = null)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "must be positive");
        Options = options ?? new OracleLeaceOptions();
        Options.Check();
        Dimension = dimension;
        Concept = concept;
        _meanX = zeros(dimension, dtype: ScalarType.Float64).DetachFromDisposeScope();
        _meanZ = zeros(concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
        _cxz = zeros(dimension, concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
        _czz = zeros(concept.Columns, concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    public long Dimension { get; }
    public Concept Concept { get; }
    public OracleLeaceOptions Options { get; }
    public long Rows { get; private set; }

    public static OracleLeaceEraser Fit(EraserData data, OracleLeaceOptions? options = null)
    {
        var fitter = new OracleLeaceFitter(data.Dimension, data.RequireConcept(OracleLeaceEraser.Name), options);
        const long chunk = 8192;
        for (long start = 0; start < data.Rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, data.Rows - start);
            fitter.Update(data.X.narrow(0, start, length), data.Z!.narrow(0, start, length), data.XName, data.ZName);
        }
        return fitter.Eraser;
    }

    public OracleLeaceFitter Update(Tensor x, Tensor z) => Update(x, z, "x", "z");

    internal OracleLeaceFitter Update(Tensor x, Tensor z, string xName, string zName)
    {
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64) || x.dim() != 2 || x.shape[1] != Dimension)
            throw new HarnessException($"{xName}: expected a float32 or float64 batch [rows, {Dimension}], got {Concept.Describe(x)}");
        using var scope = NewDisposeScope();
        var zb = Concept.Encode(z, zName);
        if (zb.shape[0] != x.shape[0])
            throw new HarnessException($"{zName} has {zb.shape[0]} rows but {xName} has {x.shape[0]}; they must match row for row");
        EraserData.CheckFinite(x, xName);
        var xb = x.to_type(ScalarType.Float64);

        Rows += x.shape[0];
        double n = Rows;
        var dx = xb - _meanX;
        _meanX.add_(dx.sum(dim: 0).div_(n));
        var dz = zb - _meanZ;
        _meanZ.add_(dz.sum(dim: 0).div_(n));
        var dz2 = zb - _meanZ;
        _cxz.addmm_(dx.t(), dz2);
        _czz.addmm_(dz.t(), dz2);
        _eraser = null;
        return this;
    }

    /// The covariance of the encoded concept [columns, columns].
    public Tensor SigmaZz()
    {
        RequireRows();
        using var scope = NewDisposeScope();
        var symmetric = (_czz + _czz.t()) / 2;
        var sigma = Options.Shrinkage ? Shrinkage.OptimalLinear(symmetric / (double)Rows, Rows) : symmetric / (Rows - 1.0);
        return sigma.MoveToOuterDisposeScope();
    }

    /// The cross-covariance of x and the encoded concept [d, columns].
    public Tensor SigmaXz()
    {
        RequireRows();
        return _cxz / (Rows - 1.0);
    }

    private void RequireRows()
    {
        if (Rows < 2) throw new HarnessException($"oracle LEACE needs at least 2 rows, has seen {Rows}");
    }

    public OracleLeaceEraser Eraser => _eraser ??= ComputeEraser();

    private OracleLeaceEraser ComputeEraser()
    {
        using var scope = NewDisposeScope();
        // torch.linalg.pinv with atol given and no rtol: singular values <= atol are dropped.
        var coef = SigmaXz().mm(linalg.pinv(SigmaZz(), atol: Options.SvdTol, rtol: 0.0));
        return new OracleLeaceEraser(coef, _meanZ, Concept, Options);
    }
}
