using static TorchSharp.torch;

namespace Harness.Tests;

/// Tensor comparisons for assertions.
public static class Tensors
{
    /// Same shape and exactly the same values (dtype aside).
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && (a.numel() == 0 || a.eq(b).all().item<bool>());

    /// The largest absolute difference, as float64.
    public static double MaxDifference(Tensor a, Tensor b) =>
        a.numel() == 0 ? 0 : (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
}
