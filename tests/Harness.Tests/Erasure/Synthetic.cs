using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

/// Seeded synthetic rows: correlated Gaussian noise plus a class-dependent shift, so that the
/// concept is linearly (but not perfectly) decodable and LEACE's oblique projection differs from
/// the orthogonal one.
public static class Synthetic
{
    /// x float64 [n, d] and labels int64 [n] of k classes (every class present). Balanced, or with
    /// `favourFirst` class 0 twice as frequent as each other class (so that a classifier that has
    /// learnt nothing predicts class 0 everywhere, and its accuracy is exactly the chance level).
    public static (Tensor X, Tensor Labels) Classes(int n, int d, int k, int seed, double separation = 1.0, bool favourFirst = false)
    {
        using var generator = new torch.Generator((ulong)seed, CPU);
        var labels = favourFirst ? arange(n, dtype: ScalarType.Int64) % (k + 1) % k : arange(n, dtype: ScalarType.Int64) % k;
        labels = labels.index_select(0, randperm(n, generator: generator));
        var mixing = randn(new long[] { d, d }, dtype: ScalarType.Float64, generator: generator) / Math.Sqrt(d) + eye(d, dtype: ScalarType.Float64);
        var shifts = randn(new long[] { k, d }, dtype: ScalarType.Float64, generator: generator) * separation;
        var offset = randn(new long[] { d }, dtype: ScalarType.Float64, generator: generator) * 3;
        var x = randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: generator).mm(mixing) + shifts.index_select(0, labels) + offset;
        return (x, labels);
    }

    /// x float64 [n, d] and a continuous concept z float64 [n, k] linearly related to x plus noise.
    public static (Tensor X, Tensor Z) Continuous(int n, int d, int k, int seed)
    {
        using var generator = new torch.Generator((ulong)seed, CPU);
        var z = randn(new long[] { n, k }, dtype: ScalarType.Float64, generator: generator);
        var loading = randn(new long[] { k, d }, dtype: ScalarType.Float64, generator: generator);
        var x = z.mm(loading) + randn(new long[] { n, d }, dtype: ScalarType.Float64, generator: generator) + 1.5;
        return (x, z);
    }

    public static double[,] ToArray(Tensor t)
    {
        var m = t.to_type(ScalarType.Float64).contiguous();
        long rows = m.shape[0], cols = m.dim() == 1 ? 1 : m.shape[1];
        var data = m.data<double>().ToArray();
        var result = new double[rows, cols];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++)
                result[i, j] = data[i * cols + j];
        return result;
    }

    public static Tensor FromArray(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var flat = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                flat[i * cols + j] = a[i, j];
        return tensor(flat, new long[] { rows, cols });
    }

    public static long[] Labels(Tensor labels) => labels.to_type(ScalarType.Int64).data<long>().ToArray();
}
