using System.Globalization;
using Harness.Experiments;
using Hypotheses.Snapshots;
using Newtonsoft.Json.Linq;

namespace Hypotheses;

/// How much each kind of number moves between runs of the hypothesis suite under different settings:
/// the measurement the snapshot tolerances (SnapshotTolerances) are chosen from. [Explicit]: it reads
/// the results of earlier suite runs, one folder per setting, each a copy of `runs/hypotheses/`:
///
///     for s in "t1 HARNESS_THREADS=1" "t2 HARNESS_THREADS=2" "f64 HARNESS_DTYPE=float64" \
///              "avx2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2" \
///              "base HARNESS_THREADS=2 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2"; do
///       set -- $s; name=$1; shift
///       env "$@" dotnet test tests/Hypotheses -p:RunSettingsFilePath= --filter FullyQualifiedName~HypothesisTests
///       rm -rf /tmp/survey/$name; cp -r runs/hypotheses /tmp/survey/$name
///     done
///     HARNESS_SURVEY=/tmp/survey/t1,/tmp/survey/t2,/tmp/survey/f64,/tmp/survey/avx2,/tmp/survey/base \
///       dotnet test tests/Hypotheses --filter FullyQualifiedName~ToleranceSurvey
///
/// (`-p:RunSettingsFilePath=` drops hypotheses.runsettings, which otherwise pins every run to the AVX2
/// kernels and would override the kernel settings.) The first folder is the reference. For every kind of number (a metric, for every field of its rows:
/// value, interval, effect, null quantiles, seed spread; and null_rank) it prints the largest absolute and relative
/// difference of any other setting from the reference, where it occurred, and the share of its
/// tolerance it used; it fails if a difference exceeds the tolerance, or if any setting's numbers do
/// not match the committed snapshots (snapshots/<model>/, HARNESS_MODEL as for the tests).
public class ToleranceSurvey
{
    public const string Variable = "HARNESS_SURVEY";

    [Test, Explicit("reads earlier suite runs named by HARNESS_SURVEY; see the class comment")]
    public void Survey()
    {
        var folders = (Environment.GetEnvironmentVariable(Variable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (folders.Length < 2) Assert.Ignore($"{Variable} names no two result folders");
        var reference = Load(folders[0]);
        var tolerances = SnapshotTolerances.Default;
        var worst = new Dictionary<string, (double Abs, double Rel, double Used, string Where)>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var folder in folders.Skip(1))
        {
            var other = Load(folder);
            other.Keys.Should().BeEquivalentTo(reference.Keys, $"{folder} measured the same numbers as {folders[0]}");
            foreach (var (key, (metric, value)) in reference)
            {
                var diff = Math.Abs(other[key].Value - value);
                var rel = value == 0 ? 0 : diff / Math.Abs(value);
                var allowed = tolerances.For(metric).Allowed(value);
                var used = allowed == 0 ? (diff == 0 ? 0 : double.PositiveInfinity) : diff / allowed;
                counts[metric] = counts.GetValueOrDefault(metric) + 1;
                if (!worst.TryGetValue(metric, out var w) || diff > w.Abs)
                    worst[metric] = (diff, Math.Max(rel, w.Rel), Math.Max(used, w.Used), $"{Path.GetFileName(folder)}: {key}");
                else
                    worst[metric] = (w.Abs, Math.Max(rel, w.Rel), Math.Max(used, w.Used), w.Where);
            }
        }
        static string F(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine($"reference {folders[0]}; compared {string.Join(", ", folders.Skip(1))}");
        TestContext.Out.WriteLine($"{"metric",-22} {"values",7} {"max |diff|",11} {"max rel",9} {"tolerance",22} {"used",6}  where (largest |diff|)");
        foreach (var (metric, w) in worst.OrderBy(w => w.Key, StringComparer.Ordinal))
            TestContext.Out.WriteLine($"{metric,-22} {counts[metric],7} {F(w.Abs),11} {F(w.Rel),9} {tolerances.For(metric),22} {w.Used,6:P0}  {w.Where}");
        worst.Where(w => w.Value.Used > 1).Select(w => w.Key).Should().BeEmpty("every difference between settings is within its metric's tolerance");

        // And every setting's numbers match the committed snapshots, as the hypothesis tests would
        // decide (the verdict words are not in results.json: the tests themselves check those).
        var settings = SnapshotSettings.Current;
        foreach (var folder in folders)
        {
            var mismatches = new List<string>();
            foreach (var file in Directory.EnumerateFiles(folder, ResultsFile.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var hypothesis = Path.GetFileName(Path.GetDirectoryName(file)!);
                var snapshot = Path.Combine(settings.ModelFolder, hypothesis + ".json");
                if (!File.Exists(snapshot)) { mismatches.Add($"{hypothesis}: no snapshot {snapshot}"); continue; }
                var stored = JToken.Parse(File.ReadAllText(snapshot))["result"]!["Metrics"]!;
                var metrics = new SortedDictionary<string, SnapshotRow>(StringComparer.Ordinal);
                foreach (var r in ResultsFile.Read(file))
                    metrics[SnapshotRow.Key(r)] = SnapshotRow.Of(r);
                mismatches.AddRange(SnapshotDiff.Compare(stored, SnapshotJson.ToToken(metrics, null), settings.Rounding, tolerances)
                    .Select(line => $"{hypothesis}: {line}"));
            }
            TestContext.Out.WriteLine($"{folder} against {settings.ModelFolder}: {(mismatches.Count == 0 ? "every number matches" : string.Join("\n  ", mismatches.Prepend($"{mismatches.Count} mismatch(es)")))}");
            mismatches.Should().BeEmpty($"{folder} matches the committed snapshots");
        }
    }

    /// Every number a row carries, with its kind (as SnapshotTolerances.KindWithin gives it): the
    /// value, its interval, the effect and its interval, the null's quantiles and the seeds' spread
    /// are of the row's metric; the null rank is its own kind.
    private static IEnumerable<(string Field, string Kind, double? Value)> Fields(ResultRow r) =>
    [
        ("value", r.Metric, r.Value), ("ci_low", r.Metric, r.CiLow), ("ci_high", r.Metric, r.CiHigh),
        ("effect", r.Metric, r.Effect), ("effect_ci_low", r.Metric, r.EffectCiLow), ("effect_ci_high", r.Metric, r.EffectCiHigh),
        ("null_low", r.Metric, r.NullLow), ("null_median", r.Metric, r.NullMedian), ("null_high", r.Metric, r.NullHigh),
        ("null_rank", SnapshotTolerances.NullRank, r.NullRank),
        ("seed_sd", r.Metric, r.SeedSd), ("seed_min", r.Metric, r.SeedMin), ("seed_max", r.Metric, r.SeedMax),
    ];

    /// Every number of every hypothesis in a copy of runs/hypotheses/, by hypothesis, row and field.
    private static Dictionary<string, (string Metric, double Value)> Load(string folder)
    {
        var values = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, ResultsFile.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var hypothesis = Path.GetFileName(Path.GetDirectoryName(file)!);
            foreach (var r in ResultsFile.Read(file))
                foreach (var (field, kind, x) in Fields(r))
                    if (x is double v) values[$"{hypothesis} | {SnapshotRow.Key(r)} | {field}"] = (kind, v);
        }
        if (values.Count == 0) throw new InvalidOperationException($"{folder}: no results.json below it");
        return values;
    }
}
