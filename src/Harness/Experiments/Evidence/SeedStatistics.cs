namespace Harness.Experiments.Evidence;

/// Intervals over training seeds. An arm has a handful of independently trained models (three
/// seeds), too few for a bootstrap (three values have ten distinct resamples), so the textbook
/// small-sample tools are used: Student's t interval for an arm's mean, and Welch's interval (the
/// Welch–Satterthwaite degrees of freedom, no equal-variance assumption) for the difference of two
/// arms' means. Both assume the per-seed values are roughly normal; with three seeds nothing better
/// is on offer, and the wide t quantile (4.30 at 2 degrees of freedom) is the honest price of three.
public static class SeedStatistics
{
    /// An arm's mean over seeds, its sample standard deviation and its two-sided t interval.
    public readonly record struct Mean(int N, double Value, double Sd, double Low, double High);

    /// Mean(a) - Mean(b) with its Welch interval and degrees of freedom.
    public readonly record struct Difference(double Value, double Low, double High, double Df);

    public static Mean MeanOf(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n < 2) throw new ArgumentException($"an interval over seeds needs at least 2 values, got {n}", nameof(values));
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double half = TQuantile(1 - (1 - ClusterBootstrap.Level) / 2, n - 1) * sd / Math.Sqrt(n);
        return new(n, mean, sd, mean - half, mean + half);
    }

    public static Difference Welch(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var (ma, mb) = (MeanOf(a), MeanOf(b));
        double va = ma.Sd * ma.Sd / a.Count, vb = mb.Sd * mb.Sd / b.Count;
        double se = Math.Sqrt(va + vb);
        double diff = ma.Value - mb.Value;
        // Both arms constant: no spread to scale, the difference is exact.
        if (se == 0) return new(diff, diff, diff, double.PositiveInfinity);
        double df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        double half = TQuantile(1 - (1 - ClusterBootstrap.Level) / 2, df) * se;
        return new(diff, diff - half, diff + half, df);
    }

    /// The p-quantile (p in (0.5, 1)) of Student's t with `df` degrees of freedom (not necessarily
    /// an integer: Welch's df is not), by bisection on the CDF.
    public static double TQuantile(double p, double df)
    {
        if (p is <= 0.5 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "a quantile in (0.5, 1)");
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "positive degrees of freedom");
        double lo = 0, hi = 1;
        while (TCdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = (lo + hi) / 2;
            if (TCdf(mid, df) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// P(T <= t) for t >= 0: 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t²) (Abramowitz & Stegun 26.7.1
    /// through 26.5.27).
    public static double TCdf(double t, double df)
    {
        if (t < 0) return 1 - TCdf(-t, df);
        return 1 - 0.5 * RegularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    /// I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified
    /// Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-15) break;
        }
        return h;
    }

    /// ln Γ(x) for x > 0, Lanczos' approximation (g = 7, nine coefficients; relative error ~1e-15).
    private static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
