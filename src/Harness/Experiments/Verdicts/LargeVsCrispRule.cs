using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// LargeVsCrisp (Fabien Roger: "the direction which matter the most (found by RLACE) is the one
/// with large changes (and not the one with crisp changes)"). Every direction, fitted or random,
/// has a class-mean difference along it in the concept's held-out activations (large) and a d', that
/// difference over the within-class spread (crisp) (direction_stats). Across directions, does the
/// size of projecting one out's effect on the bias follow the mean difference rather than d'?
/// Judged over two populations: the null's random directions (a sample of directions, so Spearman's
/// rho and its bootstrap interval are well defined) and those together with every fitted method
/// ("directions"), which the verdict is about. Each is supported when rho(|effect|, mean difference)
/// - rho(|effect|, d') has its interval above 0 and rho(|effect|, mean difference) does too; not
/// supported when either interval reaches 0.
public sealed class LargeVsCrispRule : IVerdictRule
{
    public string Name => "LargeVsCrisp";
    public string Claim => "the effect of projecting a direction out ranks with its class-mean difference (large) more than with its d' (crisp): rho(large) - rho(crisp) > 0 across random and fitted directions";
    public RuleNeeds Needs => new() { Edits = [["project"]], Metrics = [MetricNames.PronounBias, MetricNames.DirectionStats], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var all = new ResultQuery(rows, labels);
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var model in all.Models)
        {
            var q = all.For(model);
            var edit = q.Edit("project");
            if (edit is null) return Verdict.Missing("no project edit");
            var source = rows.Where(r => r.Model == model).Select(r => r.Method).FirstOrDefault(m => labels.Is(m, RandomDirections.Name)
                && rows.Any(r => r.Model == model && r.Method == m && r.Metric == MetricNames.RankCorrLargeMinusCrisp));
            if (source is null) return Verdict.Missing($"rank correlations over a rank-1 null on {model} (rank_corr_* rows of the random method)");
            var dataset = q.ConceptOf(source);
            if (dataset is null) return Verdict.Missing($"the concept of {source}");
            string On(string population) => all.Models.Count > 1 ? $"{population} on {model}" : population;
            foreach (var population in new[] { source, MetricNames.AllDirections })
            {
                var large = q.Row(MetricNames.RankCorrMeanDifference, population, edit, dataset);
                var crisp = q.Row(MetricNames.RankCorrDPrime, population, edit, dataset);
                var difference = q.Row(MetricNames.RankCorrLargeMinusCrisp, population, edit, dataset);
                if (large is null || crisp is null || difference is null) continue;
                var byLarge = MethodEvidence.Judge(large, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, 0, 1.0, needsNull: false);
                var beats = MethodEvidence.Judge(difference, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, 0, 1.0, needsNull: false);
                methods.Add(MethodVerdict.Of(On(population), [beats with { Line = $"large - crisp: {beats.Line}" }, byLarge with { Line = $"large: {byLarge.Line}" }]));
                evidence.Add($"{On(population)} ({(population == source ? $"{large.NullN} random directions" : $"{large.NullN} random and the fitted directions")}, {edit} on {dataset}/test at {q.Site}): rho(|effect|, mean difference) {F(large.Value)} [{F(large.CiLow)}, {F(large.CiHigh)}], "
                    + $"rho(|effect|, d') {F(crisp.Value)} [{F(crisp.CiLow)}, {F(crisp.CiHigh)}]");
            }
            foreach (var m in q.Methods.Where(m => m != source && m != MetricNames.AllDirections))
            {
                var md = q.Value(MetricNames.DirectionMeanDifference, m, ResultRow.FitEdit, dataset);
                var dp = q.Value(MetricNames.DirectionDPrime, m, ResultRow.FitEdit, dataset);
                if (md is null || dp is null) continue;
                evidence.Add($"{m} on {model}: mean difference {F(md)}, d' {F(dp)}, bias effect {F(q.Row(MetricNames.PronounBias, m, edit, dataset)?.Effect)}");
            }
        }
        if (methods.Count == 0) return Verdict.Missing("rank_corr_* rows for the project edit");
        // About every direction of every model: the word they share, else mixed.
        var subject = all.Models.Count == 1 ? MetricNames.AllDirections : null;
        return Verdict.Of("all directions", subject, methods, evidence);
    }
}
