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
        var means = ResampledMeans(items, resamples, seed);
        Array.Sort(means);
        double tail = (1 - Level) / 2;
        return new Interval(Percentile(means, tail), Percentile(means, 1 - tail));
    }

    /// The interval of mean(numerator) / mean(denominator), two measurements whose items share
    /// clusters (a damage and the edit's size on the same prompts or texts, possibly on different
    /// items of them): each resample draws clusters once and takes both means over the drawn
    /// clusters' items, so that the two vary together as they do in the data. A cluster the
    /// denominator lacks adds nothing to it; a resample whose denominator is 0 counts as +infinity.
    public static Interval Ratio(Items numerator, Items denominator, int resamples, int seed)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
        var clusterIds = numerator.Clusters.Concat(denominator.Clusters).Distinct().Order().ToArray();
        var index = clusterIds.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var (numSums, numCounts) = Sums(numerator, index);
        var (denSums, denCounts) = Sums(denominator, index);
        var random = new Random(seed);
        var ratios = new double[resamples];
        int k = clusterIds.Length;
        for (int r = 0; r < resamples; r++)
        {
            double num = 0, den = 0;
            long nNum = 0, nDen = 0;
            for (int j = 0; j < k; j++)
            {
                int c = random.Next(k);
                num += numSums[c]; nNum += numCounts[c];
                den += denSums[c]; nDen += denCounts[c];
            }
            double meanDen = nDen == 0 ? 0 : den / nDen;
            ratios[r] = nNum == 0 ? double.NaN : meanDen == 0 ? double.PositiveInfinity : num / nNum / meanDen;
        }
        var kept = ratios.Where(x => !double.IsNaN(x)).Order().ToArray();
        if (kept.Length == 0) return new Interval(double.NaN, double.NaN);
        double tail = (1 - Level) / 2;
        return new Interval(Percentile(kept, tail), Percentile(kept, 1 - tail));
    }

    /// The interval of mean(numerator) / |mean(denominator)| for two independent samples (a damage
    /// on one dataset and an effect on another): each resample draws each one's clusters on its own
    /// (the denominator from seed + 1), so that the ratio varies as both means do.
    public static Interval IndependentRatio(Items numerator, Items denominator, int resamples, int seed)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
        var num = ResampledMeans(numerator, resamples, seed);
        var den = ResampledMeans(denominator, resamples, seed + 1);
        var ratios = num.Zip(den, (a, b) => b == 0 ? double.PositiveInfinity : a / Math.Abs(b)).Order().ToArray();
        double tail = (1 - Level) / 2;
        return new Interval(Percentile(ratios, tail), Percentile(ratios, 1 - tail));
    }

    /// The means of `resamples` cluster resamples of `items`, in draw order.
    private static double[] ResampledMeans(Items items, int resamples, int seed)
    {
        var clusterIds = items.Clusters.Distinct().Order().ToArray();
        var index = clusterIds.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var (sums, counts) = Sums(items, index);
        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            long n = 0;
            for (int j = 0; j < clusterIds.Length; j++)
            {
                int c = random.Next(clusterIds.Length);
                sum += sums[c];
                n += counts[c];
            }
            means[r] = sum / n;
        }
        return means;
    }

    private static (double[] Sums, int[] Counts) Sums(Items items, Dictionary<int, int> index)
    {
        var sums = new double[index.Count];
        var counts = new int[index.Count];
        for (int i = 0; i < items.Count; i++)
        {
            int c = index[items.Clusters[i]];
            sums[c] += items.Values[i];
            counts[c]++;
        }
        return (sums, counts);
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
