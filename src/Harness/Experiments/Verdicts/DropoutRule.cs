using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Dropout: residual dropout makes the concept redundant, so removing one direction does less in a
/// model trained with dropout than in the same model trained without it (the discussion suggested
/// GPT-Neo, trained without dropout; the organisms gpt2-dropout and gpt2-nodropout differ only in
/// dropout). Needs a multi-model run: models whose name contains "nodropout" (or "no-dropout") are
/// the ones without. For each method, effect = bias drop under "project" on the concept's prompts;
/// the hypothesis holds for a method when the effect without dropout exceeds the effect with it by
/// more than Margin.
public sealed class DropoutRule : IVerdictRule
{
    public const double Margin = 0.02;

    public string Name => "Dropout";
    public string Claim => "removing the direction lowers the bias less in the dropout-trained model than in the one without dropout";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var all = new ResultQuery(rows);
        bool NoDropout(string m) => m.Contains("nodropout", StringComparison.OrdinalIgnoreCase) || m.Contains("no-dropout", StringComparison.OrdinalIgnoreCase);
        var without = all.Models.FirstOrDefault(NoDropout);
        var with = all.Models.FirstOrDefault(m => !NoDropout(m));
        if (without is null || with is null)
            return Verdict.Missing($"needs a model with dropout and one whose name says nodropout, got {string.Join(", ", all.Models)}");
        var qWith = all.For(with);
        var qWithout = all.For(without);
        var edit = qWith.Edit("project");
        if (edit is null) return Verdict.Missing("no project edit");
        var checks = new List<bool>();
        var evidence = new List<string>();
        foreach (var m in qWith.Preferred(["rlace", "probe"], "random"))
        {
            var dataset = qWith.ConceptOf(m);
            if (dataset is null) continue;
            double? Effect(ResultQuery q) =>
                q.Baseline(MetricNames.PronounBias, dataset) - q.Value(MetricNames.PronounBias, m, edit, dataset);
            var eWith = Effect(qWith);
            var eWithout = Effect(qWithout);
            if (eWith is null || eWithout is null) return Verdict.Missing($"pronoun_bias of {m} on {dataset} for both models");
            checks.Add(eWithout.Value - eWith.Value > Margin);
            evidence.Add($"{m}: bias drop {F(eWith)} with dropout ({with}) vs {F(eWithout)} without ({without})");
        }
        if (checks.Count == 0) return Verdict.Missing("no direction method besides random");
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
