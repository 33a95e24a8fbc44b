namespace Harness.Experiments.Evidence;

/// A 95 % percentile-bootstrap interval for the mean of items that come in clusters (Efron &
/// Tibshirani 1993, ch. 13; resampling whole clusters as in Field & Welsh 2007): each resample draws
/// as many clusters as there are, with replacement, and takes the mean of all items of the drawn
/// clusters (a ratio estimator, so unequal clusters weigh by their size). The interval is the 2.5 and
/// 97.5 percentiles of the resampled means, interpolated linearly between order statistics as numpy's
/// default `percentile` does, so that a user recomputes it exactly from items.jsonl.
///
/// The resamples are drawn from `seed` with System.Random's seeded generator, which gives the same
/// sequence on every platform and .NET version; every row with the same clusters and seed sees the
/// same resamples, so an edited arm and its baseline are resampled together (see Effect).
public static class ClusterBootstrap
{
    public const int DefaultResamples = 2000;
    public const double Level = 0.95;

    public readonly record struct Interval(double Low, double High)
    {
        public double Width => High - Low;
    }

    /// The interval of the mean of `items`.
    public static Interval Mean(Items items, int resamples, int seed)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
        var clusterIds = items.Clusters.Distinct().Order().ToArray();
        var index = clusterIds.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var sums = new double[clusterIds.Length];
        var counts = new int[clusterIds.Length];
        for (int i = 0; i < items.Count; i++)
        {
            int c = index[items.Clusters[i]];
            sums[c] += items.Values[i];
            counts[c]++;
        }
        var random = new Random(seed);
        var means = new double[resamples];
        int k = clusterIds.Length;
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            long n = 0;
            for (int j = 0; j < k; j++)
            {
                int c = random.Next(k);
                sum += sums[c];
                n += counts[c];
            }
            means[r] = sum / n;
        }
        Array.Sort(means);
        double tail = (1 - Level) / 2;
        return new Interval(Percentile(means, tail), Percentile(means, 1 - tail));
    }

    /// The paired effect of an edit: the interval of mean(edited - baseline) over the same items,
    /// which is the interval of mean(edited) - mean(baseline) with both arms resampled together.
    public static Interval Effect(Items edited, Items baseline, int resamples, int seed) =>
        Mean(edited.Minus(baseline), resamples, seed);

    /// numpy's default ("linear") percentile of sorted values: position q (n - 1), interpolated.
    public static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
