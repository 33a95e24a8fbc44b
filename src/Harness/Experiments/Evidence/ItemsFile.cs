using System.Text;
using System.Text.Json;
using Harness.IO;

namespace Harness.Experiments.Evidence;

/// items.jsonl: one line per measured item of every pooled row of results.json,
/// `{"model": ..., "site": ..., "method": ..., "edit": ..., "dataset": ..., "split": ..., "metric": ...,
/// "index": 17, "pair": 8, "label": "female", "groups": ["cue=2", "confidence=3"], "value": 0.93}`:
/// the item's index in its dataset split (for a probe, the held-out row), its pair (the cluster the
/// bootstrap resamples), label and, where the set has groupings (cues, confidence bins), the label of
/// each group row it is counted in. Each row's value is the mean of its items' values; its interval
/// can be recomputed from them.
public static class ItemsFile
{
    public const string FileName = "items.jsonl";

    public static void Write(string path, IReadOnlyList<MeasuredRow> measured)
    {
        var buffer = new MemoryStream();
        var newline = Encoding.UTF8.GetBytes("\n");
        foreach (var m in measured)
        {
            var (row, items, labelNames) = m;
            for (int i = 0; i < items.Count; i++)
            {
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    ResultsFile.WriteWhere(w, row);
                    w.WriteNumber("index", items.IndexOf(i));
                    w.WriteNumber("pair", items.Clusters[i]);
                    int label = items.Labels[i];
                    if (label >= 0 && label < labelNames.Count) w.WriteString("label", labelNames[label]);
                    if (m.Groups is { Count: > 0 } groupings)
                    {
                        w.WriteStartArray("groups");
                        foreach (var grouping in groupings) w.WriteStringValue(grouping[items.IndexOf(i)]);
                        w.WriteEndArray();
                    }
                    if (double.IsFinite(items.Values[i])) w.WriteNumber("value", items.Values[i]);
                    else w.WriteNull("value");
                    w.WriteEndObject();
                }
                buffer.Write(newline);
            }
        }
        var bytes = buffer.ToArray();
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
