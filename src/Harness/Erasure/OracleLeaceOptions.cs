namespace Harness.Erasure;

/// The options of oracle LEACE, with the defaults of EleutherAI's concept-erasure OracleFitter.
public sealed record OracleLeaceOptions
{
    /// Optimal linear shrinkage of the covariance of z (else Bessel's n - 1). Off by default.
    public bool Shrinkage { get; init; }

    /// Singular values of the covariance of z at or below this are dropped from its pseudo-inverse.
    public double SvdTol { get; init; } = 0.01;

    internal static IReadOnlyList<EraserOption> Declared { get; } = new[]
    {
        EraserOption.Switch("shrinkage", false, "optimal linear shrinkage of the covariance of z"),
        EraserOption.Number("svd_tol", 0.01, "drop singular values of the covariance of z at or below this", min: 0, minExclusive: true),
    };

    public static OracleLeaceOptions From(EraserOptions o) => new() { Shrinkage = o.Bool("shrinkage"), SvdTol = o.Double("svd_tol") };

    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["shrinkage"] = Shrinkage ? "true" : "false",
        ["svd_tol"] = EraserOption.Format(SvdTol),
    };

    internal void Check()
    {
        if (!(SvdTol > 0) || !double.IsFinite(SvdTol))
            throw new UsageException($"oracle LEACE option svd_tol must be a positive number, got {SvdTol}");
    }
}
