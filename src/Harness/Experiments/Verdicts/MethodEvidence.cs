using System.Globalization;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// One check of a method's claim, from its rows' evidence rather than a fixed margin: a word
/// ("supported", "not supported", "inconclusive") and the numbers that decided it.
public sealed record Check(string Word, string Line)
{
    /// The check of the opposite claim, on the same evidence ("at chance" from "above chance"): an
    /// interval that fails to show a difference counts for the claim of none, which is as much as a
    /// 95 % interval can say about it.
    public Check Negated(string line) =>
        new(Word == Verdict.Supported ? Verdict.NotSupported : Word == Verdict.NotSupported ? Verdict.Supported : Verdict.Inconclusive, line);
}

/// The checks the rules build a method's verdict from. Each compares a quantity's 95 % interval
/// (ClusterBootstrap) with a boundary or with another interval:
///
///   Judge     a quantity (the edit's effect, edited minus unedited, or the edited value) lies below,
///             above, or away from a boundary: supported when its interval lies wholly on the claimed
///             side and, for an effect on the bias, the effect beats the null of random directions
///             (null_rank <= MaxNullRank); not supported when the interval reaches the boundary or
///             lies on the other side, or the effect is within the null; inconclusive without an
///             interval (or a null, where one is required), or when the interval is wider than
///             `maxWidth` (for the bias, 0.5: half its range, too wide to place against any boundary).
///   Exceeds   one row's value exceeds another's (measured on different prompts or models, so not
///             paired): supported when the intervals are disjoint in the claimed order (a conservative
///             test: disjoint 95 % intervals imply a difference at well under 5 %), not supported
///             otherwise.
public static class MethodEvidence
{
    public const double MaxNullRank = 0.05;
    public const double MaxBiasWidth = 0.5;
    /// For accuracies (0..1) and KL: an interval wider than this says nothing a verdict could use.
    public const double MaxAccuracyWidth = 0.25;

    public enum Quantity { Effect, Value }
    public enum Side { Below, Above, Away }

    public static Check Judge(ResultRow row, Quantity quantity, Side side, double boundary, double maxWidth, bool needsNull = true)
    {
        var (x, low, high) = quantity == Quantity.Effect ? (row.Effect, row.EffectCiLow, row.EffectCiHigh) : (row.Value, row.CiLow, row.CiHigh);
        string name = quantity == Quantity.Effect ? "effect" : row.Metric;
        if (x is not double v || low is not double lo || high is not double hi)
            return new(Verdict.Inconclusive, $"no interval for the {name}");
        var interval = $"{name} {F(v)} [{F(lo)}, {F(hi)}]";
        string ranked = row.NullRank is double r ? $"null rank {Rank(r)}" : "";
        if (needsNull && row.NullRank is null)
            return new(Verdict.Inconclusive, $"{interval}; no null of random directions");
        if (hi - lo > maxWidth)
            return new(Verdict.Inconclusive, $"{interval} wider than {F(maxWidth)}{(ranked.Length > 0 ? "; " + ranked : "")}");
        bool onSide = side switch { Side.Below => hi < boundary, Side.Above => lo > boundary, _ => hi < boundary || lo > boundary };
        bool beatsNull = !needsNull || row.NullRank <= MaxNullRank;
        var word = onSide && beatsNull ? Verdict.Supported : Verdict.NotSupported;
        var relation = side switch
        {
            Side.Below => onSide ? "<" : "not below",
            Side.Above => onSide ? ">" : "not above",
            _ => onSide ? "excludes" : "includes",
        };
        var line = $"{interval} {relation} {F(boundary)}";
        if (needsNull) line += $"; {ranked} {(beatsNull ? "<=" : ">")} {F(MaxNullRank)}";
        return new(word, line);
    }

    /// Whether `high`'s value exceeds `low`'s, from their (independent) intervals.
    public static Check Exceeds(ResultRow high, string highName, ResultRow low, string lowName, Quantity quantity = Quantity.Value)
    {
        var a = Interval(high, quantity);
        var b = Interval(low, quantity);
        string name = quantity == Quantity.Effect ? "effect" : high.Metric;
        if (a is null || b is null) return new(Verdict.Inconclusive, $"no interval for the {name} on {(a is null ? highName : lowName)}");
        bool disjoint = a.Value.Low > b.Value.High;
        string Show((double V, double Low, double High) i) => $"{F(i.V)} [{F(i.Low)}, {F(i.High)}]";
        return new(disjoint ? Verdict.Supported : Verdict.NotSupported,
            $"{name} {Show(a.Value)} on {highName} {(disjoint ? ">" : "not above")} {Show(b.Value)} on {lowName}");
    }

    private static (double V, double Low, double High)? Interval(ResultRow row, Quantity quantity) =>
        quantity == Quantity.Effect
            ? row.Effect is double e && row.EffectCiLow is double l && row.EffectCiHigh is double h ? (e, l, h) : null
            : row.CiLow is double lo && row.CiHigh is double hi ? (row.Value, lo, hi) : null;

    private static string Rank(double r) => r.ToString("0.000", CultureInfo.InvariantCulture);
}
