using Harness.Experiments;
using Harness.Experiments.Verdicts;
using System.Text.Json.Serialization;
using Hypotheses.Snapshots;

namespace Hypotheses;

/// What a hypothesis snapshot records: the overall verdict and each method's verdict in words, and
/// every measured number, keyed by where it was measured ("model | site | method | edit | dataset |
/// split | metric", with "| label |" before the metric for a per-label row). The verdict's evidence
/// lines are left out: they restate these numbers as text, which rounding cannot reach.
public sealed record HypothesisSnapshot(string Verdict, SortedDictionary<string, string> Methods, SortedDictionary<string, SnapshotRow> Metrics);

/// One row's numbers: its value, and for a mean its n, interval and (edited rows) paired effect and
/// null (size, quantiles or rank), and for a seed aggregate the seeds' count and spread. Every number is compared under its metric's tolerance, except
/// null_rank, which has its own (SnapshotTolerances).
public sealed record SnapshotRow(
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? N,
    [property: JsonPropertyName("ci_low"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CiLow,
    [property: JsonPropertyName("ci_high"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CiHigh,
    [property: JsonPropertyName("effect"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Effect,
    [property: JsonPropertyName("effect_ci_low"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? EffectCiLow,
    [property: JsonPropertyName("effect_ci_high"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? EffectCiHigh)
{
    [JsonPropertyName("null_n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? NullN { get; init; }
    [JsonPropertyName("null_low"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullLow { get; init; }
    [JsonPropertyName("null_median"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullMedian { get; init; }
    [JsonPropertyName("null_high"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullHigh { get; init; }
    [JsonPropertyName("null_mean"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullMean { get; init; }
    [JsonPropertyName("null_mean_ci_low"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullMeanLow { get; init; }
    [JsonPropertyName("null_mean_ci_high"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullMeanHigh { get; init; }
    [JsonPropertyName("null_rank"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NullRank { get; init; }
    [JsonPropertyName("seeds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Seeds { get; init; }
    [JsonPropertyName("seed_sd"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SeedSd { get; init; }
    [JsonPropertyName("seed_min"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SeedMin { get; init; }
    [JsonPropertyName("seed_max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SeedMax { get; init; }

    public static SnapshotRow Of(ResultRow r) => new(r.Value, r.N, r.CiLow, r.CiHigh, r.Effect, r.EffectCiLow, r.EffectCiHigh)
    {
        NullN = r.NullN, NullLow = r.NullLow, NullMedian = r.NullMedian, NullHigh = r.NullHigh, NullRank = r.NullRank,
        NullMean = r.NullMean, NullMeanLow = r.NullMeanLow, NullMeanHigh = r.NullMeanHigh,
        Seeds = r.Seeds, SeedSd = r.SeedSd, SeedMin = r.SeedMin, SeedMax = r.SeedMax,
    };

    public static string Key(ResultRow r) =>
        $"{r.Model} | {r.Site} | {r.Method} | {r.Edit} | {r.Dataset} | {r.Split}{(r.Label is null ? "" : $" | {r.Label}")}{(r.Versus is null ? "" : $" | versus {r.Versus}")} | {r.Metric}";
}

/// Runs a hypothesis's experiment spec (experiments/<spec>.json) through the pipeline `harness run`
/// calls (Experiment.Run), on the model of this test run (HARNESS_MODEL; the spec's organisms by default)
/// with this run's device, dtype and threads (HypothesisRunOptions). The unrounded rows are written to
/// `runs/hypotheses/<model>/<Hypothesis>/` (results.json, items.jsonl, directions/, as `harness run`
/// writes them), so that a
/// snapshot difference can be looked at in full precision and two settings can be compared.
public static class HypothesisRun
{
    public static (HypothesisSnapshot Snapshot, Verdict Verdict, IReadOnlyList<ResultRow> Rows) Run(string specName)
    {
        var root = SnapshotSettings.Current.Root;
        var options = HypothesisRunOptions.Current;
        var spec = ExperimentSpec.Load(Path.Combine(root, "experiments", specName + ".json"));
        TestContext.Progress.WriteLine($"{spec.Name} on {HypothesisModel.Current}: {options}");
        var result = Experiment.Run(spec, new RunOptions { Model = HypothesisModel.Current.Argument, Load = options.Load, Threads = options.Threads }, TestContext.Progress);
        var (rows, verdict) = (result.Rows, result.Verdict ?? throw new InvalidOperationException($"{specName}.json names no hypothesis"));
        var results = Path.Combine(root, "runs", "hypotheses", SnapshotSettings.Current.Model.SnapshotFolder, spec.Hypothesis!);
        Directory.CreateDirectory(results);
        result.WriteEvidence(results);
        var metrics = new SortedDictionary<string, SnapshotRow>(StringComparer.Ordinal);
        var labels = RunLabels.Of(spec);
        foreach (var r in rows.Where(r => !OfOneSubset(r, labels) && !PerUnitOfNoChange(r, rows, labels))) metrics[SnapshotRow.Key(r)] = SnapshotRow.Of(r);
        var methods = new SortedDictionary<string, string>(verdict.Methods.ToDictionary(m => m.Method, m => m.Word), StringComparer.Ordinal);
        return (new HypothesisSnapshot(verdict.Word, methods, metrics), verdict, rows);
    }

    /// A row of one subset's method or of one subset's own prompts. The snapshot keeps the entry's
    /// aggregate over its subsets instead (PromptSubsets.Together and the item-wise means): a
    /// direction fitted on ten rows in d dimensions is underdetermined, and its fit moves between
    /// CPU kernels (one RLACE subset stopped at step 200 instead of 400 under baseline kernels)
    /// while the mean over twenty subsets stays within tolerance. results.json keeps every row.
    private static bool OfOneSubset(ResultRow r, RunLabels labels) =>
        labels.Method(r.Method)?.Subset is not null || PromptSubsets.IsSubsetSplit(r.Split);

    /// A damage per unit of bias change of an edit whose bias change is within the null of random
    /// directions (the probe's -0.006): a ratio to a change of noise, whose interval moved by 20 %
    /// between CPU kernels (AVX2 vs AVX-512) while nothing reads it (BreakVsEdit calls such an edit
    /// inconclusive). results.json keeps it.
    private static bool PerUnitOfNoChange(ResultRow r, IReadOnlyList<ResultRow> rows, RunLabels labels) =>
        r.Metric == MetricNames.KlPerBiasChange && labels.Method(r.Method)?.Concept is { } concept
        && rows.FirstOrDefault(b => b.IsPooled && b.Model == r.Model && b.Site == r.Site && b.Method == r.Method && b.Edit == r.Edit
            && b.Dataset == concept && b.Split == "test" && b.Metric == MetricNames.PronounBias) is not { NullRank: <= MethodEvidence.MaxNullRank };

    /// What must hold whatever the numbers are: finite values in their metric's range, a baseline
    /// for every dataset measured, and a verdict in words.
    public static void AssertInvariants(IReadOnlyList<ResultRow> rows, Verdict verdict)
    {
        rows.Should().NotBeEmpty();
        foreach (var r in rows)
        {
            double.IsFinite(r.Value).Should().BeTrue($"{r} is a number");
            switch (r.Metric)
            {
                case MetricNames.PronounBias: r.Value.Should().BeInRange(-1, 1, r.ToString()); break;
                case MetricNames.ProbeAccuracy or MetricNames.ProbeMajority: r.Value.Should().BeInRange(0, 1, r.ToString()); break;
                case MetricNames.KlDamage or MetricNames.PartnerKl or MetricNames.EditSize or MetricNames.KlPerEditSize or MetricNames.KlPerBiasChange:
                    r.Value.Should().BeGreaterThanOrEqualTo(-1e-9, r.ToString()); break;
            }
        }
        // A damage per unit is the quotient of the rows it is computed from (a second computation).
        ResultRow? Twin(ResultRow r, string metric, string? dataset = null, string? split = null) => rows.FirstOrDefault(x => x.Model == r.Model && x.Site == r.Site
            && x.Method == r.Method && x.Edit == r.Edit && x.Dataset == (dataset ?? r.Dataset) && x.Split == (split ?? r.Split) && x.Label == r.Label && x.Metric == metric);
        foreach (var r in rows.Where(r => r.Metric == MetricNames.KlPerEditSize))
            r.Value.Should().BeApproximately(Twin(r, MetricNames.KlDamage)!.Value / Twin(r, MetricNames.EditSize)!.Value, 1e-9 + 1e-9 * r.Value, r.ToString());
        foreach (var r in rows.Where(r => r.Metric == MetricNames.KlPerBiasChange))
        {
            var concept = rows.First(x => x.Method == r.Method && x.Metric == MetricNames.PronounBias && x.Effect is not null && x.Edit == r.Edit && x.Split == "test" && x.Label is null
                && rows.Any(y => y.Method == r.Method && y.Metric == MetricNames.KlPerBiasChange && y.Dataset != x.Dataset));
            r.Value.Should().BeApproximately(Twin(r, MetricNames.KlDamage)!.Value / Math.Abs(concept.Effect!.Value), 1e-9 + 1e-9 * r.Value, r.ToString());
        }
        // A reflection moves each activation twice as far as the projection around the same centre.
        foreach (var p in rows.Where(r => r.Metric == MetricNames.EditSize && r.Edit.StartsWith("project(centre=median")))
            if (rows.FirstOrDefault(x => x.Metric == MetricNames.EditSize && x.Edit == "reflect(centre=median)" && x.Model == p.Model && x.Site == p.Site
                && x.Method == p.Method && x.Dataset == p.Dataset && x.Split == p.Split && x.Label == p.Label) is { } reflected)
                reflected.Value.Should().BeApproximately(2 * p.Value, 1e-6 * p.Value, reflected.ToString());
        var biasDatasets = rows.Where(r => r.Metric == MetricNames.PronounBias).Select(r => (r.Model, r.Site, r.Dataset, r.Split)).Distinct();
        foreach (var d in biasDatasets)
            rows.Any(r => r.IsBaseline && r.Metric == MetricNames.PronounBias && (r.Model, r.Site, r.Dataset, r.Split) == d)
                .Should().BeTrue($"every bias is compared with the unedited model's on {d}");
        verdict.Word.Should().BeOneOf(Verdict.Supported, Verdict.NotSupported, Verdict.Mixed, Verdict.Inconclusive);
        verdict.Methods.Should().NotBeEmpty("a verdict is a table of per-method verdicts");
        foreach (var m in verdict.Methods)
        {
            m.Word.Should().BeOneOf(Verdict.Supported, Verdict.NotSupported, Verdict.Inconclusive);
            m.Checks.Should().NotBeEmpty($"{m.Method}'s verdict names the evidence that decided it");
        }
        verdict.Methods.Select(m => m.Method).Should().OnlyHaveUniqueItems();
    }
}
