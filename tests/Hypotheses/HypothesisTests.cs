using Harness.Experiments;
using Hypotheses.Snapshots;

namespace Hypotheses;

/// One test per hypothesis of the discussion. Each runs its spec (experiments/<spec>.json) on the
/// model of this run, snapshot-verifies the verdict and every number (snapshots/<model>/<Name>.json),
/// and asserts what must hold whatever the numbers are. Select one with
/// `dotnet test --filter Hypothesis=Swap`.
[NonParallelizable]
public class HypothesisTests
{
    private static IReadOnlyList<ResultRow> Check(string spec) => CheckAll(spec).Where(r => r.IsPooled).ToList(); // the per-label rows are in the snapshot

    private static IReadOnlyList<ResultRow> CheckAll(string spec)
    {
        var (snapshot, verdict, rows) = HypothesisRun.Run(spec);
        TestContext.Out.WriteLine(verdict.ToString());
        HypothesisRun.AssertInvariants(rows, verdict);
        MetricSnapshot.Match(snapshot);
        return rows;
    }

    [Test, Property("Hypothesis", "Projection")]
    public void Projection() => Check("projection");

    [Test, Property("Hypothesis", "Swap")]
    public void Swap() => Check("swap");

    [Test, Property("Hypothesis", "Amplify")]
    public void Amplify() => Check("amplify");

    [Test, Property("Hypothesis", "Dropout")]
    public void Dropout() => Check("dropout");

    [Test, Property("Hypothesis", "CorrelatedFeatures")]
    public void CorrelatedFeatures()
    {
        var rows = CheckAll("correlated-features");
        // Whatever the numbers: the cue groups partition the prompts (their n add up to the pooled
        // row's), and so do the 3 confidence bins, on every evaluated set; and each union has as
        // many directions as its members together (one gender direction and eight features',
        // independent), at most d.
        var pooled = rows.Where(r => r.IsPooled && r.Split == "test" && r.Metric == MetricNames.PronounBias && r.N is not null).ToList();
        pooled.Select(r => r.Dataset).Distinct().Should().BeEquivalentTo(["gender", "gender-attributes", "gender-cues"]);
        foreach (var p in pooled)
        {
            var groups = rows.Where(r => r.Model == p.Model && r.Method == p.Method && r.Edit == p.Edit && r.Dataset == p.Dataset && r.Split == p.Split && r.Metric == p.Metric
                && r.Label is { } l && Harness.Experiments.Evidence.EvidenceRows.IsGroupLabel(l)).ToList();
            var bins = groups.Where(r => Harness.Experiments.Evidence.EvidenceRows.IsConfidenceLabel(r.Label!)).ToList();
            bins.Select(r => r.Label).Should().Equal(["confidence=1", "confidence=2", "confidence=3"], p.ToString());
            bins.Sum(r => r.N).Should().Be(p.N, p.ToString());
            var cues = groups.Except(bins).ToList();
            if (p.Dataset != "gender") cues.Sum(r => r.N).Should().Be(p.N, p.ToString());
        }
        foreach (var (union, k) in new[] { ("features", 8), ("together", 9) })
            rows.Where(r => r.Method == union && r.Metric == MetricNames.Directions).Should().OnlyContain(r => r.Value == k, union);
    }

    [Test, Property("Hypothesis", "RandomBreakage")]
    public void RandomBreakage() => Check("random-breakage");

    [Test, Property("Hypothesis", "BreakVsEdit")]
    public void BreakVsEdit() => Check("break-vs-edit");

    [Test, Property("Hypothesis", "Gradient")]
    public void Gradient() => Check("gradient");

    [Test, Property("Hypothesis", "Overdetermined")]
    public void Overdetermined() => Check("overdetermined");

    [Test, Property("Hypothesis", "ProbeSubspace")]
    public void ProbeSubspace() => Check("probe-subspace");

    [Test, Property("Hypothesis", "CollateralDamage")]
    public void CollateralDamage() => Check("collateral-damage");

    [Test, Property("Hypothesis", "CrossConcept")]
    public void CrossConcept() => Check("cross-concept");

    [Test, Property("Hypothesis", "LayerSweep")]
    public void LayerSweep() => Check("layer-sweep");

    [Test, Property("Hypothesis", "LargeVsCrisp")]
    public void LargeVsCrisp()
    {
        var rows = Check("large-vs-crisp");
        // Whatever the numbers: d' is the mean difference over the spread for every direction (a
        // seed aggregate's rows are means over its seeds, so not for it), cosines are unsigned and
        // at most 1, each correlation lies in its interval within [-1, 1], and the correlations
        // cover the null's 100 directions.
        foreach (var d in rows.Where(r => r.Metric == MetricNames.DirectionDPrime && r.Seeds is null))
        {
            double Of(string metric) => rows.Single(r => r.Model == d.Model && r.Site == d.Site && r.Method == d.Method && r.Metric == metric).Value;
            d.Value.Should().BeApproximately(Of(MetricNames.DirectionMeanDifference) / Of(MetricNames.DirectionSpread), 1e-9 * d.Value, d.ToString());
        }
        rows.Where(r => r.Metric == MetricNames.DirectionCosine).Should().NotBeEmpty().And.OnlyContain(r => r.Value >= 0 && r.Value <= 1 + 1e-9);
        rows.Where(r => r.Metric.StartsWith("rank_corr_", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(r => r.NullN == 100 && r.CiLow <= r.Value && r.Value <= r.CiHigh && r.CiLow >= -2 && r.CiHigh <= 2);
    }

    [Test, Property("Hypothesis", "Leace")]
    public void Leace()
    {
        var rows = Check("leace");
        // LEACE's guarantee: no linear probe retrained on the erased activations beats a constant
        // predictor (up to sampling noise on held-out rows).
        foreach (var erased in rows.Where(r => r.Method == "leace" && r.Edit == "erase" && r.Metric == MetricNames.ProbeAccuracy))
        {
            var majority = rows.Single(r => r.Model == erased.Model && r.Site == erased.Site && r.Method == erased.Method
                && r.Edit == erased.Edit && r.Dataset == erased.Dataset && r.Split == erased.Split && r.Metric == MetricNames.ProbeMajority).Value;
            erased.Value.Should().BeLessThanOrEqualTo(Math.Max(majority, 1 - majority) + 0.1, erased.ToString());
        }
    }
}
