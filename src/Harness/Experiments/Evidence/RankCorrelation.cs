namespace Harness.Experiments.Evidence;

/// Spearman's rank correlation (the Pearson correlation of the ranks, ties given their average
/// rank, as scipy.stats.spearmanr computes it) between an outcome and two candidate explanations of
/// it, over independent points (directions), with 95 % percentile-bootstrap intervals: each resample
/// draws the points with replacement (System.Random seeded, as ClusterBootstrap), and the same
/// resample gives both correlations and their difference, so the difference's interval is paired.
public static class RankCorrelation
{
    /// rho(outcome, a), rho(outcome, b) and rho(outcome, a) - rho(outcome, b), each with its interval.
    public readonly record struct Comparison(int N, double Rho, ClusterBootstrap.Interval RhoCi, double Other, ClusterBootstrap.Interval OtherCi,
        double Difference, ClusterBootstrap.Interval DifferenceCi);

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values against {y.Count}");
        return Pearson(Ranks(x), Ranks(y));
    }

    /// The two correlations of `outcome` with `a` and with `b` (same points in the same order).
    public static Comparison Compare(IReadOnlyList<double> outcome, IReadOnlyList<double> a, IReadOnlyList<double> b, int resamples, int seed)
    {
        int n = outcome.Count;
        if (a.Count != n || b.Count != n) throw new ArgumentException($"{n} outcomes, {a.Count} and {b.Count} explanations");
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), "at least one resample");
        var random = new Random(seed);
        var ra = new double[resamples];
        var rb = new double[resamples];
        var rd = new double[resamples];
        var (o, x, y) = (new double[n], new double[n], new double[n]);
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < n; i++)
            {
                int j = random.Next(n);
                o[i] = outcome[j]; x[i] = a[j]; y[i] = b[j];
            }
            ra[r] = Spearman(o, x);
            rb[r] = Spearman(o, y);
            rd[r] = ra[r] - rb[r];
        }
        double rho = Spearman(outcome, a), other = Spearman(outcome, b);
        return new Comparison(n, rho, Interval(ra), other, Interval(rb), rho - other, Interval(rd));
    }

    /// 1-based ranks, ties sharing the mean of the ranks they span.
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// A resample whose ranks are all tied has no correlation (NaN), which a percentile cannot place:
    /// such resamples are left out of the interval (with more than a handful of distinct points,
    /// they do not occur).
    private static ClusterBootstrap.Interval Interval(double[] values)
    {
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return new(double.NaN, double.NaN);
        double tail = (1 - ClusterBootstrap.Level) / 2;
        return new(ClusterBootstrap.Percentile(finite, tail), ClusterBootstrap.Percentile(finite, 1 - tail));
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
