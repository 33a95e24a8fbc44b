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

    internal static IReadOnlyList<EraserOption> Declared { get; } = new[]
    {
        EraserOption.Switch("affine", true, "erase around the training mean, keeping the mean of the rows (off: a linear edit around the origin)"),
        EraserOption.Switch("orth", false, "orthogonal projection instead of LEACE's oblique one (the library's method \"orth\")"),
        EraserOption.Switch("shrinkage", true, "optimal linear shrinkage of the covariance of x (off: Bessel's n - 1)"),
        EraserOption.Switch("constrain_cov_trace", true, "never let the edit increase the trace of the covariance of x"),
        EraserOption.Number("svd_tol", 0.01, "drop singular values of the whitened cross-covariance at or below this", min: 0, minExclusive: true),
    };

    public static LeaceOptions From(EraserOptions o) => new()
    {
        Affine = o.Bool("affine"), Orth = o.Bool("orth"), Shrinkage = o.Bool("shrinkage"),
        ConstrainCovTrace = o.Bool("constrain_cov_trace"), SvdTol = o.Double("svd_tol"),
    };

    /// The options in metadata form.
    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["affine"] = Affine ? "true" : "false",
        ["orth"] = Orth ? "true" : "false",
        ["shrinkage"] = Shrinkage ? "true" : "false",
        ["constrain_cov_trace"] = ConstrainCovTrace ? "true" : "false",
        ["svd_tol"] = EraserOption.Format(SvdTol),
    };

    internal void Check()
    {
        if (!(SvdTol > 0) || !double.IsFinite(SvdTol))
            throw new UsageException($"LEACE option svd_tol must be a positive number, got {SvdTol}");
    }
}
