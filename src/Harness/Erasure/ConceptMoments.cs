using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// The streaming float64 statistics that LEACE and oracle LEACE are fitted from, as EleutherAI's
/// concept-erasure keeps them: running means of x and of the encoded concept z, the unnormalised
/// cross-covariance C_xz, and (when asked for) the covariance C_xx of x and C_zz of z, updated with
/// the batched Welford rule
///   n += b;  dx = x - mean_x;  mean_x += sum(dx) / n;  C_xx += dx^T (x - mean_x)
///   dz = z - mean_z;  mean_z += sum(dz) / n;  C_xz += dx^T (z - mean_z);  C_zz += dz^T (z - mean_z)
/// which is exact for any split of the rows into batches.
internal sealed class ConceptMoments
{
    public ConceptMoments(long dimension, Concept concept, bool trackXx, bool trackZz)
    {
        Dimension = dimension;
        Concept = concept;
        MeanX = zeros(dimension, dtype: ScalarType.Float64).DetachFromDisposeScope();
        MeanZ = zeros(concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
        Cxz = zeros(dimension, concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
        if (trackXx) Cxx = zeros(dimension, dimension, dtype: ScalarType.Float64).DetachFromDisposeScope();
        if (trackZz) Czz = zeros(concept.Columns, concept.Columns, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    public long Dimension { get; }
    public Concept Concept { get; }
    public long Rows { get; private set; }
    public Tensor MeanX { get; }
    public Tensor MeanZ { get; }
    public Tensor Cxz { get; }
    public Tensor? Cxx { get; }
    public Tensor? Czz { get; }

    /// Adds a batch x [b, d] (float32 or float64) and its concept z, checked and named in errors.
    public void Update(Tensor x, Tensor z, string xName, string zName)
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
        var dx = xb - MeanX;
        MeanX.add_(dx.sum(dim: 0).div_(n));
        Cxx?.addmm_(dx.t(), xb - MeanX);
        var dz = zb - MeanZ;
        MeanZ.add_(dz.sum(dim: 0).div_(n));
        var dzAfter = zb - MeanZ;
        Cxz.addmm_(dx.t(), dzAfter);
        Czz?.addmm_(dz.t(), dzAfter);
    }

    /// A covariance from an unnormalised one (Cxx or Czz), as the library computes it: symmetrised,
    /// then shrunk (optimal linear shrinkage of C / n) or divided by n - 1.
    public Tensor Covariance(Tensor unnormalised, bool shrinkage, string method)
    {
        RequireRows(method);
        using var scope = NewDisposeScope();
        var symmetric = (unnormalised + unnormalised.t()) / 2;
        var sigma = shrinkage ? Shrinkage.OptimalLinear(symmetric / (double)Rows, Rows) : symmetric / (Rows - 1.0);
        return sigma.MoveToOuterDisposeScope();
    }

    /// The cross-covariance of x and the encoded concept [d, columns], divided by n - 1.
    public Tensor CrossCovariance(string method)
    {
        RequireRows(method);
        return Cxz / (Rows - 1.0);
    }

    /// Both estimates divide by n - 1; `method` names the eraser in the error.
    public void RequireRows(string method)
    {
        if (Rows < 2) throw new HarnessException($"{method} needs at least 2 rows, has seen {Rows}");
    }

    /// Feeds all the rows of `data` to `update` in chunks, to bound memory.
    public static void InChunks(EraserData data, Action<Tensor, Tensor> update)
    {
        const long chunk = 8192;
        for (long start = 0; start < data.Rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, data.Rows - start);
            update(data.X.narrow(0, start, length), data.Z!.narrow(0, start, length));
        }
    }
}
