using static TorchSharp.torch;

namespace Harness.Tests.Models;

public static class LogitsAssert
{
    /// Every logit within `relative` of the reference, relative to max(|reference|, 1).
    public static void Close(Tensor actual, double[][] expected, double relative = 1e-4)
    {
        var a = actual.to(ScalarType.Float64).cpu();
        a.shape.Should().Equal(expected.Length, expected[0].Length);
        var values = a.data<double>().ToArray();
        int width = expected[0].Length;
        double worst = 0;
        for (int t = 0; t < expected.Length; t++)
            for (int v = 0; v < width; v++)
                worst = Math.Max(worst, Math.Abs(values[t * width + v] - expected[t][v]) / Math.Max(Math.Abs(expected[t][v]), 1));
        worst.Should().BeLessThan(relative, "every logit must match the float64 reference");
    }

    public static double MaxAbsDifference(Tensor a, Tensor b) =>
        (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();
}
