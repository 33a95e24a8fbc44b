namespace Harness.Tests.Metrics;

/// Reference computations on plain arrays (double loops, no tensors), to check the tensor code
/// against something written independently of it.
internal static class PlainMath
{
    public static double[] LogSoftmax(float[] logits, int offset, int vocab)
    {
        double max = double.NegativeInfinity;
        for (int t = 0; t < vocab; t++) max = Math.Max(max, logits[offset + t]);
        double sum = 0;
        for (int t = 0; t < vocab; t++) sum += Math.Exp(logits[offset + t] - max);
        double logZ = max + Math.Log(sum);
        var result = new double[vocab];
        for (int t = 0; t < vocab; t++) result[t] = logits[offset + t] - logZ;
        return result;
    }

    public static float[] Random(int count, int seed, double scale)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }
}
