namespace Harness.Erasure;

/// The options of LEACE, with the defaults of EleutherAI's concept-erasure LeaceFitter.
public sealed record LeaceOptions
{
    /// Keep the mean of the rows: erase around the training mean (the eraser's bias). Off: the
    /// edit is linear, around the origin.
    public bool Affine { get; init; } = true;

    /// Use the orthogonal projection onto the complement of the cross-covariance's column space
    /// (the library's method "orth") instead of LEACE's oblique, least-squares-optimal one.
    public bool Orth { get; init; }

    /// Estimate the covariance of x with optimal linear shrinkage (else Bessel's n - 1). Ignored by
    /// `orth`, which needs no covariance.
    public bool Shrinkage { get; init; } = true;

    /// Never let the edit increase the trace of x's covariance: if it would, mix the LEACE
    /// projection with the orthogonal one until it does not. Ignored by `orth`.
    public bool ConstrainCovTrace { get; init; } = true;

    /// Singular values of the whitened cross-covariance at or below this are dropped.
    public double SvdTol { get; init; } = 0.01;

    /// The options, declared once (OptionField).
    public static IReadOnlyList<OptionField<LeaceOptions>> Fields { get; } =
    [
        OptionField<LeaceOptions>.Switch("affine", "erase around the training mean, keeping the mean of the rows (off: a linear edit around the origin)", o => o.Affine, (o, v) => o with { Affine = v }),
        OptionField<LeaceOptions>.Switch("orth", "orthogonal projection instead of LEACE's oblique one (the library's method \"orth\")", o => o.Orth, (o, v) => o with { Orth = v }),
        OptionField<LeaceOptions>.Switch("shrinkage", "optimal linear shrinkage of the covariance of x (off: Bessel's n - 1)", o => o.Shrinkage, (o, v) => o with { Shrinkage = v }),
        OptionField<LeaceOptions>.Switch("constrain_cov_trace", "never let the edit increase the trace of the covariance of x", o => o.ConstrainCovTrace, (o, v) => o with { ConstrainCovTrace = v }),
        OptionField<LeaceOptions>.Number("svd_tol", "drop singular values of the whitened cross-covariance at or below this", o => o.SvdTol, (o, v) => o with { SvdTol = v }, min: 0, minExclusive: true),
    ];

    internal static IReadOnlyList<EraserOption> Declared { get; } = Fields.Select(f => f.Option).ToList();

    public static LeaceOptions From(EraserOptions o) => Fields.FromStrings(o.Values);

    /// The options in metadata form.
    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(Fields.ToStrings(this).ToDictionary(), StringComparer.Ordinal);

    internal void Check() => Fields.Validate(this);
}
