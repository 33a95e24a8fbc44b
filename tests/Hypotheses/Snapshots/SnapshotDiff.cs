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

/// Compares the expected and actual snapshot text for Snapshooter's comparer and, instead of a
/// string diff at a character index, says which metric changed: `result.bias.swap: 0.873 -> -0.41`.
internal sealed class SnapshotDiff : IAssert
{
    public const int MaxLines = 40;

    public void Assert(string expectedSnapshot, string actualSnapshot)
    {
        var lines = Compare(JToken.Parse(expectedSnapshot), JToken.Parse(actualSnapshot));
        if (lines.Count > 0) throw new SnapshotMismatchException(lines);
    }

    /// One line per difference (at most MaxLines, then a count of the rest); empty when equal.
    public static IReadOnlyList<string> Compare(JToken expected, JToken actual)
    {
        var lines = new List<string>();
        Walk(expected, actual, "", lines);
        if (lines.Count <= MaxLines) return lines;
        var rest = lines.Count - MaxLines;
        return [.. lines.Take(MaxLines), $"... and {rest} more"];
    }

    private static void Walk(JToken? expected, JToken? actual, string path, List<string> lines)
    {
        switch (expected, actual)
        {
            case (JObject e, JObject a):
                foreach (var key in e.Properties().Select(p => p.Name).Concat(a.Properties().Select(p => p.Name)).Distinct())
                    Walk(e[key], a[key], path.Length == 0 ? key : $"{path}.{key}", lines);
                return;
            case (JArray e, JArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                    Walk(i < e.Count ? e[i] : null, i < a.Count ? a[i] : null, $"{path}[{i}]", lines);
                return;
        }
        if (expected is not null && actual is not null && JToken.DeepEquals(expected, actual)) return;
        lines.Add($"{(path.Length == 0 ? "(root)" : path)}: {Show(expected)} -> {Show(actual)}");
    }

    private static string Show(JToken? token) => token switch
    {
        null => "(absent)",
        JValue v => v.ToString(Formatting.None),
        JContainer c => Shorten(c.ToString(Formatting.None)),
        _ => token.ToString(Formatting.None),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
