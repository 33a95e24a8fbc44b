using System.Text;
using System.Text.Json;
using Harness.IO;

namespace Harness.Experiments;

/// results.json: a JSON array of ResultRow objects with lower-case keys
/// (experiment, model, site, method, edit, dataset, split, metric, value), one row per line so that
/// diffs stay readable. Non-finite values (an infinite KL) are written as null.
public static class ResultsFile
{
    public const string FileName = "results.json";

    public static void Write(string path, IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.Append("[\n");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("experiment", r.Experiment);
                w.WriteString("model", r.Model);
                w.WriteString("site", r.Site);
                w.WriteString("method", r.Method);
                w.WriteString("edit", r.Edit);
                w.WriteString("dataset", r.Dataset);
                w.WriteString("split", r.Split);
                w.WriteString("metric", r.Metric);
                if (double.IsFinite(r.Value)) w.WriteNumber("value", r.Value);
                else w.WriteNull("value");
                w.WriteEndObject();
            }
            text.Append("  ").Append(Encoding.UTF8.GetString(buffer.ToArray())).Append(i + 1 < rows.Count ? ",\n" : "\n");
        }
        text.Append("]\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// Reads results.json back (null values become NaN); a malformed file is an error naming it.
    public static IReadOnlyList<ResultRow> Read(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: no such results file");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new HarnessException($"{path}: expected a JSON array of rows");
            var rows = new List<ResultRow>();
            int index = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                string S(string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : throw new HarnessException($"{path}: row {index} has no string field '{key}'");
                double value = e.TryGetProperty("value", out var val)
                    ? val.ValueKind == JsonValueKind.Number ? val.GetDouble()
                    : val.ValueKind == JsonValueKind.Null ? double.NaN
                    : throw new HarnessException($"{path}: row {index} field 'value' must be a number or null")
                    : throw new HarnessException($"{path}: row {index} has no field 'value'");
                rows.Add(new ResultRow(S("experiment"), S("model"), S("site"), S("method"), S("edit"), S("dataset"), S("split"), S("metric"), value));
                index++;
            }
            return rows;
        }
        catch (JsonException e)
        {
            throw new HarnessException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }
}
