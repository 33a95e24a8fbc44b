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
    private static IReadOnlyList<ResultRow> Check(string spec)
    {
        var (snapshot, verdict, rows) = HypothesisRun.Run(spec);
        TestContext.Out.WriteLine(verdict.ToString());
        HypothesisRun.AssertInvariants(rows, verdict);
        MetricSnapshot.Match(snapshot);
        return rows.Where(r => r.IsPooled).ToList(); // the per-label rows are in the snapshot
    }

    [Test, Property("Hypothesis", "Projection")]
    public void Projection() => Check("projection");

    [Test, Property("Hypothesis", "Swap")]
    public void Swap() => Check("swap");

    [Test, Property("Hypothesis", "Amplify")]
    public void Amplify() => Check("amplify");

    [Test, Property("Hypothesis", "Dropout")]
    public void Dropout() => Check("dropout");

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
