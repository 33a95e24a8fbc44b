using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// ProbeSubspace: the probe's direction carries the concept but is not the only place it lives:
/// keeping only the component along the probe's direction keeps a retrained probe's accuracy
/// (within Margin of the unedited accuracy), while removing it (the "project" edit, else "erase")
/// leaves a retrained probe above chance (more than Margin over the majority baseline).
public sealed class ProbeSubspaceRule : IVerdictRule
{
    public const double Margin = 0.05;

    public string Name => "ProbeSubspace";
    public string Claim => "keeping only the probe's direction keeps the probe's accuracy; removing it does not bring a retrained probe to chance";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var method = q.Preferred(["probe"], "random").FirstOrDefault();
        if (method is null) return Verdict.Missing("no probe method");
        var dataset = q.ConceptOf(method);
        var removal = q.Edit("project") ?? q.Edit("erase");
        if (dataset is null || removal is null) return Verdict.Missing("a project or erase edit");
        var unedited = q.Baseline(MetricNames.ProbeAccuracy, dataset);
        var kept = q.Value(MetricNames.ProbeAccuracy, method, ResultRow.KeepEdit, dataset);
        var removed = q.Value(MetricNames.ProbeAccuracy, method, removal, dataset);
        var majority = q.Value(MetricNames.ProbeMajority, method, removal, dataset);
        if (unedited is null || kept is null || removed is null || majority is null)
            return Verdict.Missing($"probe_accuracy rows of {method} (unedited, keep, {removal})");
        bool keeps = kept >= unedited - Margin;
        bool notChance = removed > majority + Margin;
        return new Verdict(Verdict.FromChecks([keeps, notChance]),
        [
            $"{method}: retrained probe {F(unedited)} unedited, {F(kept)} on the direction alone ({(keeps ? "kept" : "lost")})",
            $"after {removal}: {F(removed)} vs majority {F(majority)} ({(notChance ? "above chance" : "at chance")})",
        ]);
    }
}
