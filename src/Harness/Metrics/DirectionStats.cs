using static TorchSharp.torch;

namespace Harness.Metrics;

/// What a direction looks like in a concept's activations (the `direction_stats` metric): Fabien's
/// "large changes" against "crisp changes". With p = x · u the projection of each activation x on
/// the unit direction u, classes 0 and 1 of the concept:
///
///   mean_difference  |mean(p | z=1) - mean(p | z=0)|            how far apart the classes are along u (large)
///   spread           sqrt(((n1-1) s1^2 + (n0-1) s0^2) / (n-2))  the pooled within-class standard deviation
///   dprime           mean_difference / spread                   how well u separates them (crisp)
///   variance         var(p), over all rows (n-1)                how much the activations move along u at all
///
/// A direction can be large but not crisp (far apart class means, with more spread still) or crisp
/// but small. Signs of fitted directions are arbitrary, so the difference is taken in size, and the
/// cosine between two directions (Cosine) is |u · v|.
public sealed record DirectionStats(double MeanDifference, double Spread, double DPrime, double Variance)
{
    /// The stats of `direction` [d] (normalised here) on `rows` [n, d] with two-class `labels` [n]
    /// (0 and 1); null when a class has fewer than two rows.
    public static DirectionStats? Of(Tensor rows, Tensor labels, Tensor direction)
    {
        using var scope = NewDisposeScope();
        var u = direction.to(ScalarType.Float64).flatten();
        u = u / u.norm();
        var p = rows.to(ScalarType.Float64).mv(u);
        var z = labels.to(ScalarType.Int64);
        var one = p.masked_select(z.eq(1));
        var zero = p.masked_select(z.eq(0));
        long n1 = one.shape[0], n0 = zero.shape[0];
        if (n1 < 2 || n0 < 2) return null;
        double m1 = one.mean().item<double>(), m0 = zero.mean().item<double>();
        double s1 = one.var().item<double>(), s0 = zero.var().item<double>();
        double spread = Math.Sqrt(((n1 - 1) * s1 + (n0 - 1) * s0) / (n1 + n0 - 2));
        double difference = Math.Abs(m1 - m0);
        return new DirectionStats(difference, spread, spread > 0 ? difference / spread : double.NaN, p.var().item<double>());
    }

    /// |u · v| / (|u| |v|): the unsigned cosine between two directions [d].
    public static double Cosine(Tensor u, Tensor v)
    {
        using var scope = NewDisposeScope();
        var a = u.to(ScalarType.Float64).flatten();
        var b = v.to(ScalarType.Float64).flatten();
        return Math.Abs(a.dot(b).item<double>() / (a.norm().item<double>() * b.norm().item<double>()));
    }
}
