namespace Hypotheses.Snapshots;

/// How a snapshotted number is rounded for display: the value a snapshot file stores, readable in a
/// pull request's diff. Rounding does not decide whether a run matches: the comparison uses the
/// run's unrounded value, the tolerance of its kind (SnapshotTolerances) and half the stored value's
/// last digit (HalfStep). So the display is kept finer than the tolerances, and float noise never
/// decides a test by crossing a rounding boundary (0.8605 vs 0.8595 displayed as 0.861 vs 0.860).
///
/// The rule: round to `SignificantDigits` significant digits (default 4), but never to more than
/// `MaxDecimals` decimals (default 6). So 0.873412 → 0.8734, 35.2134 → 35.21, 1234.5 → 1235,
/// 0.012345 → 0.01235, 0.00123456 → 0.001235, 0.0000004 → 0.
///
/// Why not a fixed number of decimals alone: metrics live on very different scales (a bias in
/// [-1, 1], a KL damage of 0.001, a perplexity of 300). Why not significant digits alone: values that
/// are zero in exact arithmetic (a KL of an identity edit) come out as ±1e-9 noise whose
/// "significant" digits are pure noise; the decimal cap turns them into 0. Midpoints round away
/// from zero; -0 becomes 0; NaN and infinities are kept (and written as the strings "NaN",
/// "Infinity", "-Infinity").
public sealed record SnapshotRounding
{
    private readonly int _significantDigits = 4;
    private readonly int _maxDecimals = 6;

    /// 4 significant digits, at most 6 decimals.
    public static SnapshotRounding Default { get; } = new();

    /// Significant digits kept, 1 to 15.
    public int SignificantDigits
    {
        get => _significantDigits;
        init => _significantDigits = value is >= 1 and <= 15
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SignificantDigits), value, "must be 1 to 15");
    }

    /// Decimals kept at most, 0 to 15: the absolute resolution of a snapshot is 10^-MaxDecimals.
    public int MaxDecimals
    {
        get => _maxDecimals;
        init => _maxDecimals = value is >= 0 and <= 15
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDecimals), value, "must be 0 to 15");
    }

    /// `value` rounded by this rule.
    public double Round(double value)
    {
        if (!double.IsFinite(value)) return value;
        if (value == 0) return 0.0;
        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = Math.Min(SignificantDigits - 1 - magnitude, MaxDecimals);
        double rounded;
        if (decimals >= 0)
        {
            // Here |value| < 10^15, well inside decimal's range; rounding in decimal is exact, and the
            // double nearest to the rounded decimal prints as that decimal.
            rounded = (double)Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);
        }
        else
        {
            var scale = Math.Pow(10, -decimals);
            rounded = Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
        }
        return rounded == 0 ? 0.0 : rounded; // no "-0.0" in a snapshot
    }

    /// How far the unrounded value behind a stored (rounded) value may lie from it: half the rounding
    /// step at the stored value's magnitude. Rounding never lowers a magnitude (0.9996 -> 1.0), so the
    /// step read off the stored value is at least the one that produced it.
    public double HalfStep(double stored)
    {
        if (!double.IsFinite(stored)) return 0;
        var decimals = stored == 0
            ? MaxDecimals
            : Math.Min(SignificantDigits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(stored))), MaxDecimals);
        return 0.5 * Math.Pow(10, -decimals);
    }

    public override string ToString() => $"{SignificantDigits} significant digits, at most {MaxDecimals} decimals";
}
