namespace Harness.Erasure;

/// The options of oracle LEACE, with the defaults of EleutherAI's concept-erasure OracleFitter.
public sealed record OracleLeaceOptions
{
    /// Optimal linear shrinkage of the covariance of z (else Bessel's n - 1). Off by default.
    public bool Shrinkage { get; init; }

    /// Singular values of the covariance of z at or below this are dropped from its pseudo-inverse.
    public double SvdTol { get; init; } = 0.01;

    /// The options, declared once (OptionField).
    public static IReadOnlyList<OptionField<OracleLeaceOptions>> Fields { get; } =
    [
        OptionField<OracleLeaceOptions>.Switch("shrinkage", "optimal linear shrinkage of the covariance of z", o => o.Shrinkage, (o, v) => o with { Shrinkage = v }),
        OptionField<OracleLeaceOptions>.Number("svd_tol", "drop singular values of the covariance of z at or below this", o => o.SvdTol, (o, v) => o with { SvdTol = v }, min: 0, minExclusive: true),
    ];

    internal static IReadOnlyList<EraserOption> Declared { get; } = Fields.Select(f => f.Option).ToList();

    public static OracleLeaceOptions From(EraserOptions o) => Fields.FromStrings(o.Values);

    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(Fields.ToStrings(this).ToDictionary(), StringComparer.Ordinal);

    internal void Check() => Fields.Validate(this);
}
