using static TorchSharp.torch;

namespace Harness.Tests.Edits;

/// Seeded random tensors and plain-array views for the edit and metric tests.
internal static class TestTensors
{
    public static Tensor Randn(long[] shape, int seed, ScalarType dtype = ScalarType.Float64) =>
        randn(shape, dtype: dtype, generator: new Generator((ulong)seed));

    /// k orthonormal rows in R^d (QR of a seeded Gaussian matrix), float64 [k, d].
    public static Tensor Basis(long k, long d, int seed)
    {
        var (q, _) = linalg.qr(Randn([d, k], seed));
        return q.t().contiguous();
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) =>
        (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();

    /// Same shape, same dtype and every element equal (bit-identical for non-NaN floats, up to the
    /// sign of zero).
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    public static double[] Doubles(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
}
