using Harness.Edits;
using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Dropout: residual dropout makes the concept redundant, so removing one direction does less in a
/// model trained with dropout than in the same model trained without it (the discussion suggested
/// GPT-Neo, trained without dropout; the organisms gpt2-dropout and gpt2-nodropout differ only in
/// dropout). Needs a multi-model run: models whose name contains "nodropout" (or "no-dropout") are
/// the ones without. Per method (each fitted on each model): the projection's effect on the bias is
/// real in the model without dropout (interval below 0, beyond the null), and the effect with
/// dropout is smaller: its interval lies wholly above (less negative than) the one without. The
/// two models are measured separately, so the comparison is of two independent intervals.
public sealed class DropoutRule : IVerdictRule
{
    public string Name => "Dropout";
    public string Claim => "removing the direction lowers the bias less in the dropout-trained model than in the one without dropout: the two effects' intervals disjoint";
    public RuleNeeds Needs => new() { Edits = [["project"]], Metrics = [MetricNames.PronounBias], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var all = new ResultQuery(rows, labels);
        bool NoDropout(string m) => m.Contains("nodropout", StringComparison.OrdinalIgnoreCase) || m.Contains("no-dropout", StringComparison.OrdinalIgnoreCase);
        var without = all.Models.FirstOrDefault(NoDropout);
        var with = all.Models.FirstOrDefault(m => !NoDropout(m));
        if (without is null || with is null)
            return Verdict.Missing($"needs a model with dropout and one whose name says nodropout, got {string.Join(", ", all.Models)}");
        var qWith = all.For(with);
        var qWithout = all.For(without);
        // The projection the claim is about (any centre but zero), and the zero-centred projection
        // that, on random coordinates, zeroes them.
        bool Project(string e) => labels.IsKind(e, "project");
        var edit = rows.Select(r => r.Edit).Distinct().FirstOrDefault(e => Project(e) && labels.EditCentres.GetValueOrDefault(e) != CentreKind.Zero)
            ?? qWith.Edit("project");
        if (edit is null) return Verdict.Missing("no project edit");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in qWith.Judged)
        {
            var dataset = qWith.ConceptOf(m);
            if (dataset is null) continue;
            var rWith = qWith.Row(MetricNames.PronounBias, m, edit, dataset);
            var rWithout = qWithout.Row(MetricNames.PronounBias, m, edit, dataset);
            if (rWith?.Effect is null || rWithout?.Effect is null) return Verdict.Missing($"the effect on pronoun_bias of {m} on {dataset} for both models");
            evidence.Add($"{m}: bias change {F(rWith.Effect)} with dropout ({with}) vs {F(rWithout.Effect)} without ({without})");
            methods.Add(MethodVerdict.Of(m,
            [
                MethodEvidence.Judge(rWithout, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth),
                MethodEvidence.Exceeds(rWith, with, rWithout, without, MethodEvidence.Quantity.Effect),
            ]));
        }
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        if (Coordinates(rows, labels, qWith, with, qWithout, without, evidence) is { } zeroed) methods.Add(zeroed);
        return Verdict.Of(RlaceEraser.MethodName, qWith.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }

    /// Residual dropout zeroes single coordinates in training, so a model trained with it should
    /// lose less when k coordinates are zeroed. For every `random` method of kind coordinates (k =
    /// its rank) under a projection centred at zero: the mean effect on the bias over its null's
    /// draws (independent coordinate sets), with its bootstrap interval over the draws, is above
    /// (smaller than) the one without dropout: disjoint intervals, one check per k.
    private static MethodVerdict? Coordinates(IReadOnlyList<ResultRow> rows, RunLabels labels, ResultQuery qWith, string with, ResultQuery qWithout, string without, List<string> evidence)
    {
        var zero = rows.Select(r => r.Edit).Distinct().FirstOrDefault(e => labels.IsKind(e, "project") && labels.EditCentres.GetValueOrDefault(e) == CentreKind.Zero);
        if (zero is null) return null;
        var sources = labels.Methods
            .Where(m => m.Value.Name == RandomDirections.Name && m.Value.Options.GetValueOrDefault("kind") == RandomDirections.Coordinates)
            .OrderBy(m => int.Parse(m.Value.Options.GetValueOrDefault("rank", "1"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var checks = new List<Check>();
        foreach (var (label, method) in sources)
        {
            var a = qWith.Row(MetricNames.PronounBias, label, zero, method.Concept);
            var b = qWithout.Row(MetricNames.PronounBias, label, zero, method.Concept);
            string k = method.Options.GetValueOrDefault("rank", "1");
            if (a?.NullMean is not double ma || b?.NullMean is not double mb || a.NullMeanLow is not double aLo || b.NullMeanHigh is not double bHi)
            {
                checks.Add(new(Verdict.Inconclusive, $"k = {k}: no mean effect over draws for {label} on both models"));
                continue;
            }
            bool above = aLo > bHi;
            checks.Add(new(above ? Verdict.Supported : Verdict.NotSupported,
                $"k = {k}: mean bias effect over {a.NullN} draws {F(ma)} [{F(a.NullMeanLow)}, {F(a.NullMeanHigh)}] with dropout {(above ? ">" : "not above")} {F(mb)} [{F(b.NullMeanLow)}, {F(b.NullMeanHigh)}] without"));
        }
        if (checks.Count == 0) return null;
        evidence.Add($"coordinates: zeroing k random coordinates of the residual ({zero}) on {with} and {without}, each k a random method of kind coordinates");
        return MethodVerdict.Of("coordinates", checks);
    }
}
