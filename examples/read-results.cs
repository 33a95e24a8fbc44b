#:project ../src/Harness/Harness.csproj
// Read a run's results.json (one typed row per number) and items.jsonl (the items behind every mean),
// as a pandas user would, and recompute one mean from its items.
//   dotnet run examples/read-results.cs [runs/<run folder>]     (default: the newest run)
using System.Text.Json;
using Harness.Experiments;

var folder = args.Length > 0 ? args[0]
    : Directory.Exists("runs") ? Directory.GetDirectories("runs").Where(d => File.Exists(Path.Combine(d, "results.json"))).OrderBy(Directory.GetLastWriteTimeUtc).LastOrDefault() : null;
if (folder is null) { Console.Error.WriteLine("no run yet: try `dotnet run --project src/Harness -c Release -- run experiments/quickstart.json`"); return 1; }

var rows = ResultsFile.Read(Path.Combine(folder, "results.json"));
Console.WriteLine($"{folder}: {rows.Count} rows");
var bias = rows.Where(r => r.Metric == "pronoun_bias" && r.Split == "test" && r.Label is null && r.N is not null).ToList();
foreach (var r in bias)
    Console.WriteLine($"  {r.Dataset,-10} {r.Method,-12} {r.Edit,-24} {r.Value,7:F3} [{r.CiLow:F3}, {r.CiHigh:F3}]  n = {r.N}");

// items.jsonl: {"model", "site", "method", "edit", "dataset", "split", "metric", "index", "pair", "label", "value"}.
var first = bias[^1];
var values = File.ReadLines(Path.Combine(folder, "items.jsonl"))
    .Select(line => JsonDocument.Parse(line).RootElement)
    .Where(e => e.GetProperty("method").GetString() == first.Method && e.GetProperty("edit").GetString() == first.Edit
        && e.GetProperty("dataset").GetString() == first.Dataset && e.GetProperty("split").GetString() == first.Split
        && e.GetProperty("metric").GetString() == first.Metric && e.GetProperty("site").GetString() == first.Site
        && e.GetProperty("model").GetString() == first.Model)
    .Select(e => e.GetProperty("value").GetDouble()).ToList();
Console.WriteLine($"{first.Method} {first.Edit} on {first.Dataset}: mean of {values.Count} items {values.Average():F6}, results.json {first.Value:F6}");
return 0;
