using System.Globalization;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// A method's own verdict on one claim about an edit, from its row's evidence rather than a fixed
/// margin. The claim is that a quantity (the edit's effect, edited minus unedited, or the edited
/// value itself) lies below or above a boundary:
///
///   supported      the quantity's 95 % interval lies wholly on the claimed side of the boundary,
///                  and the effect beats the null (null_rank <= MaxNullRank);
///   not supported  the interval reaches the boundary or lies on the other side, or the effect does
///                  not beat the null;
///   inconclusive   the row has no interval or no null, or the interval is wider than `maxWidth`
///                  (for the bias, 0.5: half its range, too wide to place against any boundary).
public static class MethodEvidence
{
    public const double MaxNullRank = 0.05;
    public const double MaxBiasWidth = 0.5;

    public enum Quantity { Effect, Value }

    public static (string Word, string Line) Judge(ResultRow row, Quantity quantity, bool below, double boundary, double maxWidth)
    {
        var (x, low, high) = quantity == Quantity.Effect ? (row.Effect, row.EffectCiLow, row.EffectCiHigh) : (row.Value, row.CiLow, row.CiHigh);
        string name = quantity == Quantity.Effect ? "effect" : "value";
        if (x is not double v || low is not double lo || high is not double hi)
            return (Verdict.Inconclusive, $"{row.Method}: inconclusive (no interval for its {name})");
        var interval = $"{name} {F(v)} [{F(lo)}, {F(hi)}]";
        if (row.NullRank is not double rank)
            return (Verdict.Inconclusive, $"{row.Method}: inconclusive ({interval}; no null of random directions)");
        var ranked = $"null rank {rank.ToString("0.000", CultureInfo.InvariantCulture)}";
        if (hi - lo > maxWidth)
            return (Verdict.Inconclusive, $"{row.Method}: inconclusive ({interval} wider than {F(maxWidth)}; {ranked})");
        bool side = below ? hi < boundary : lo > boundary;
        bool beatsNull = rank <= MaxNullRank;
        var word = side && beatsNull ? Verdict.Supported : Verdict.NotSupported;
        var relation = below ? (side ? "<" : "not below") : (side ? ">" : "not above");
        return (word, $"{row.Method}: {word} ({interval} {relation} {F(boundary)}; {ranked} {(beatsNull ? "<=" : ">")} {F(MaxNullRank)})");
    }
}
