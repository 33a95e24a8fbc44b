using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Snapshooter.Core;

namespace Hypotheses.Snapshots;

/// Raised when a result differs from its snapshot; Lines name each changed value by its JSON path.
public sealed class SnapshotMismatchException(IReadOnlyList<string> lines)
    : Exception($"{lines.Count} value(s) differ from the snapshot:\n" + string.Join("\n", lines))
{
    public IReadOnlyList<string> Lines { get; } = lines;
}

/// Compares a stored snapshot with a run's unrounded values under the tolerances of their kinds
/// (SnapshotTolerances), and says which metric changed:
/// `result.Metrics.… | pronoun_bias: 0.873 -> -0.41 (tolerance ±0.002)`.
///
/// Numbers are compared with |actual − stored| ≤ tolerance + half the stored value's rounding step;
/// integers, strings (verdict words), booleans and the shape of the tree (keys, array lengths) must be
/// equal. As Snapshooter's comparer (IAssert) it is built around the run's unrounded tree and ignores
/// the rounded text Snapshooter hands it as the actual snapshot.
internal sealed class SnapshotDiff(JToken actual, SnapshotRounding rounding, SnapshotTolerances tolerances) : IAssert
{
    public const int MaxLines = 40;

    public void Assert(string expectedSnapshot, string actualSnapshot)
    {
        var lines = Compare(JToken.Parse(expectedSnapshot), actual, rounding, tolerances);
        if (lines.Count > 0) throw new SnapshotMismatchException(lines);
    }

    /// One line per difference beyond tolerance (at most MaxLines, then a count of the rest); empty
    /// when the run matches the stored snapshot.
    public static IReadOnlyList<string> Compare(JToken stored, JToken actual, SnapshotRounding rounding, SnapshotTolerances tolerances)
    {
        var lines = new List<string>();
        Walk(stored, actual, "", "", rounding, tolerances, lines);
        if (lines.Count <= MaxLines) return lines;
        var rest = lines.Count - MaxLines;
        return [.. lines.Take(MaxLines), $"... and {rest} more"];
    }

    /// The text a snapshot stores for the run's unrounded tree: every number rounded for display
    /// (SnapshotRounding), except numbers of an exact kind (counts), which are kept as they are.
    public static JToken Display(JToken actual, SnapshotRounding rounding, SnapshotTolerances tolerances) =>
        MergeAt(null, actual, "", rounding, tolerances);

    /// What SNAPSHOT_UPDATE writes: the run's displayed values, except that a number within tolerance
    /// of the stored one keeps its stored text, so that the diff of an update shows only real changes.
    public static JToken Merge(JToken stored, JToken actual, SnapshotRounding rounding, SnapshotTolerances tolerances) =>
        MergeAt(stored, actual, "", rounding, tolerances);

    private static JToken MergeAt(JToken? stored, JToken actual, string kind, SnapshotRounding rounding, SnapshotTolerances tolerances)
    {
        switch (actual)
        {
            case JObject a:
                return new JObject(a.Properties().Select(p =>
                    new JProperty(p.Name, MergeAt((stored as JObject)?[p.Name], p.Value, tolerances.KindWithin(kind, p.Name), rounding, tolerances))));
            case JArray a:
                var old = stored as JArray;
                return new JArray(a.Select((item, i) => MergeAt(old is not null && old.Count == a.Count ? old[i] : null, item, kind, rounding, tolerances)));
            case JValue when stored is JValue s && Within(s, actual, kind, rounding, tolerances):
                return s.DeepClone();
            case JValue { Type: JTokenType.Float } v when !tolerances.For(kind).IsExact:
                return new JValue(rounding.Round(v.Value<double>()));
            default:
                return actual.DeepClone();
        }
    }

    private static void Walk(JToken? stored, JToken? actual, string path, string kind, SnapshotRounding rounding,
        SnapshotTolerances tolerances, List<string> lines)
    {
        switch (stored, actual)
        {
            case (JObject s, JObject a):
                foreach (var key in s.Properties().Select(p => p.Name).Concat(a.Properties().Select(p => p.Name)).Distinct())
                    Walk(s[key], a[key], path.Length == 0 ? key : $"{path}.{key}", tolerances.KindWithin(kind, key), rounding, tolerances, lines);
                return;
            case (JArray s, JArray a):
                for (var i = 0; i < Math.Max(s.Count, a.Count); i++)
                    Walk(i < s.Count ? s[i] : null, i < a.Count ? a[i] : null, $"{path}[{i}]", kind, rounding, tolerances, lines);
                return;
        }
        if (stored is not null && actual is not null && Within(stored, actual, kind, rounding, tolerances)) return;
        var where = path.Length == 0 ? "(root)" : path;
        var tolerance = IsFloat(stored) && IsNumber(actual) ? $" (tolerance {tolerances.For(kind)})" : "";
        lines.Add($"{where}: {Show(stored, null)} -> {Show(actual, rounding)}{tolerance}");
    }

    /// Whether two leaves match: floats within tolerance, anything else equal.
    private static bool Within(JToken stored, JToken actual, string kind, SnapshotRounding rounding, SnapshotTolerances tolerances)
    {
        if (stored.Type == JTokenType.Integer && actual.Type == JTokenType.Integer) return JToken.DeepEquals(stored, actual);
        if (!IsNumber(stored) || !IsNumber(actual)) return JToken.DeepEquals(stored, actual);
        double s = stored.Value<double>(), a = actual.Value<double>();
        var tolerance = tolerances.For(kind);
        // Exact kinds are stored unrounded (Display); the others as rounded display values.
        var allowed = tolerance.IsExact ? 0 : tolerance.Allowed(s) + rounding.HalfStep(s);
        return Math.Abs(a - s) <= allowed * (1 + 1e-12);
    }

    private static bool IsNumber(JToken? token) => token?.Type is JTokenType.Float or JTokenType.Integer;
    private static bool IsFloat(JToken? token) => token?.Type is JTokenType.Float;

    private static string Show(JToken? token, SnapshotRounding? rounding) => token switch
    {
        null => "(absent)",
        JValue { Type: JTokenType.Float } v when rounding is not null && double.IsFinite(v.Value<double>()) =>
            rounding.Round(v.Value<double>()).ToString("R", CultureInfo.InvariantCulture),
        JValue v => v.ToString(Formatting.None),
        JContainer c => Shorten(c.ToString(Formatting.None)),
        _ => token.ToString(Formatting.None),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
