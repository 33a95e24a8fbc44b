using System.Text;
using System.Text.Json;
using Harness.IO;

namespace Harness.Experiments;

/// results.json: a JSON array of ResultRow objects with lower-case keys
/// (experiment, model, site, method, edit, dataset, split, metric, value, and where they apply label,
/// n, ci_low, ci_high, effect, effect_ci_low, effect_ci_high, null_n, null_low, null_median, null_high,
/// null_rank, seeds, seed_sd, seed_min, seed_max, seed_of), one row per line so that diffs stay
/// readable. Non-finite values (an infinite KL) are written as null; fields a row lacks are omitted.
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
                WriteWhere(w, r);
                if (r.Label is not null) w.WriteString("label", r.Label);
                if (r.Versus is not null) w.WriteString("versus", r.Versus);
                Number(w, "value", r.Value);
                if (r.N is int n) w.WriteNumber("n", n);
                foreach (var (key, x) in Optional(r))
                    if (x is double v) Number(w, key, v);
                if (r.NullN is int nullN) w.WriteNumber("null_n", nullN);
                foreach (var (key, x) in NullFields(r))
                    if (x is double v) Number(w, key, v);
                if (r.Seeds is int seeds) w.WriteNumber("seeds", seeds);
                if (r.SeedOf is not null) w.WriteString("seed_of", r.SeedOf);
                foreach (var (key, x) in SeedFields(r))
                    if (x is double v) Number(w, key, v);
                w.WriteEndObject();
            }
            text.Append("  ").Append(Encoding.UTF8.GetString(buffer.ToArray())).Append(i + 1 < rows.Count ? ",\n" : "\n");
        }
        text.Append("]\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// Where a row was measured: model, site, method, edit, dataset, split, metric (also the first
    /// fields of every line of items.jsonl).
    internal static void WriteWhere(Utf8JsonWriter w, ResultRow r)
    {
        w.WriteString("model", r.Model);
        w.WriteString("site", r.Site);
        w.WriteString("method", r.Method);
        w.WriteString("edit", r.Edit);
        w.WriteString("dataset", r.Dataset);
        w.WriteString("split", r.Split);
        w.WriteString("metric", r.Metric);
    }

    private static void Number(Utf8JsonWriter w, string key, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(key, v);
        else w.WriteNull(key);
    }

    private static (string Key, double? Value)[] Optional(ResultRow r) =>
    [
        ("ci_low", r.CiLow), ("ci_high", r.CiHigh), ("effect", r.Effect), ("effect_ci_low", r.EffectCiLow), ("effect_ci_high", r.EffectCiHigh),
    ];

    private static (string Key, double? Value)[] NullFields(ResultRow r) =>
    [
        ("null_low", r.NullLow), ("null_median", r.NullMedian), ("null_high", r.NullHigh), ("null_rank", r.NullRank),
        ("null_mean", r.NullMean), ("null_mean_ci_low", r.NullMeanLow), ("null_mean_ci_high", r.NullMeanHigh),
    ];

    private static (string Key, double? Value)[] SeedFields(ResultRow r) =>
    [
        ("seed_sd", r.SeedSd), ("seed_min", r.SeedMin), ("seed_max", r.SeedMax),
    ];

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
                double? D(string key) => !e.TryGetProperty(key, out var v) ? null
                    : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
                    : v.ValueKind == JsonValueKind.Null ? double.NaN
                    : throw new HarnessException($"{path}: row {index} field '{key}' must be a number or null");
                int? Count(string key) => !e.TryGetProperty(key, out var nv) ? null
                    : nv.ValueKind == JsonValueKind.Number && nv.TryGetInt32(out var count) && count > 0 ? count
                    : throw new HarnessException($"{path}: row {index} field '{key}' must be a positive integer");
                string? Text(string key) => e.TryGetProperty(key, out var t)
                    ? t.ValueKind == JsonValueKind.String ? t.GetString() : throw new HarnessException($"{path}: row {index} field '{key}' must be a string")
                    : null;
                rows.Add(new ResultRow(S("experiment"), S("model"), S("site"), S("method"), S("edit"), S("dataset"), S("split"), S("metric"), value)
                {
                    Label = Text("label"), Versus = Text("versus"), N = Count("n"), CiLow = D("ci_low"), CiHigh = D("ci_high"),
                    Effect = D("effect"), EffectCiLow = D("effect_ci_low"), EffectCiHigh = D("effect_ci_high"),
                    NullN = Count("null_n"), NullLow = D("null_low"), NullMedian = D("null_median"), NullHigh = D("null_high"), NullRank = D("null_rank"),
                    NullMean = D("null_mean"), NullMeanLow = D("null_mean_ci_low"), NullMeanHigh = D("null_mean_ci_high"),
                    Seeds = Count("seeds"), SeedSd = D("seed_sd"), SeedMin = D("seed_min"), SeedMax = D("seed_max"), SeedOf = Text("seed_of"),
                });
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
