using Harness.Experiments;
using Harness.Experiments.Verdicts;
using Hypotheses.Snapshots;

namespace Hypotheses;

/// What a hypothesis snapshot records: the verdict in words and every measured number, keyed by
/// where it was measured ("model | site | method | edit | dataset | split | metric"). The verdict's
/// evidence lines are left out: they restate these numbers as text, which rounding cannot reach.
public sealed record HypothesisSnapshot(string Verdict, SortedDictionary<string, double> Metrics);

/// Runs a hypothesis's experiment spec (experiments/<spec>.json) through the same planner and runner
/// as `harness run`, on the model of this test run (HARNESS_MODEL; the spec's organisms by default)
/// with this run's device, dtype and threads (HypothesisRunOptions). The unrounded rows are written to
/// `runs/hypotheses/<model>/<Hypothesis>/results.json` (as `harness run` writes them), so that a
/// snapshot difference can be looked at in full precision and two settings can be compared.
public static class HypothesisRun
{
    public static (HypothesisSnapshot Snapshot, Verdict Verdict, IReadOnlyList<ResultRow> Rows) Run(string specName)
    {
        var root = SnapshotSettings.Current.Root;
        var options = HypothesisRunOptions.Current;
        var spec = ExperimentSpec.Load(Path.Combine(root, "experiments", specName + ".json"));
        var plan = ExperimentPlan.Prepare(spec, HypothesisModel.Current.Argument, load: options.Load);
        TorchSharp.torch.set_num_threads(options.Threads);
        TestContext.Progress.WriteLine($"{spec.Name} on {HypothesisModel.Current}: {options}");
        var rows = new ExperimentRunner(plan, TestContext.Progress).Run();
        var verdict = Report.Verdict(spec, rows) ?? throw new InvalidOperationException($"{specName}.json names no hypothesis");
        var results = Path.Combine(root, "runs", "hypotheses", SnapshotSettings.Current.Model.SnapshotFolder, spec.Hypothesis!);
        Directory.CreateDirectory(results);
        ResultsFile.Write(Path.Combine(results, ResultsFile.FileName), rows);
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in rows)
            metrics[$"{r.Model} | {r.Site} | {r.Method} | {r.Edit} | {r.Dataset} | {r.Split} | {r.Metric}"] = r.Value;
        return (new HypothesisSnapshot(verdict.Word, metrics), verdict, rows);
    }

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
                case MetricNames.KlDamage: r.Value.Should().BeGreaterThanOrEqualTo(-1e-9, r.ToString()); break;
            }
        }
        var biasDatasets = rows.Where(r => r.Metric == MetricNames.PronounBias).Select(r => (r.Model, r.Site, r.Dataset, r.Split)).Distinct();
        foreach (var d in biasDatasets)
            rows.Any(r => r.IsBaseline && r.Metric == MetricNames.PronounBias && (r.Model, r.Site, r.Dataset, r.Split) == d)
                .Should().BeTrue($"every bias is compared with the unedited model's on {d}");
        verdict.Word.Should().NotBeNullOrWhiteSpace();
        verdict.Evidence.Should().NotBeEmpty("a verdict names the numbers that decided it");
    }
}
