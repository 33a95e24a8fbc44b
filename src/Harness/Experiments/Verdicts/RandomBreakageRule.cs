using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// RandomBreakage: any ~10 unrelated prompts admit a direction that breaks them. A direction fitted
/// on the `random` dataset's ten prompts is edited along. Per method fitted there: it breaks them
/// when some edit's effect on their bias has its interval away from 0 and beats the null of random
/// directions on the same prompts (the claim is that such a direction exists, so one edit is
/// enough). Methods fitted on another concept (gender) are judged the same way on their own
/// prompts, as the reference the claim compares with. The overall word is that of the method
/// fitted on the ten prompts.
public sealed class RandomBreakageRule : IVerdictRule
{
    public const string PromptsDataset = "random";

    public string Name => "RandomBreakage";
    public string Claim => "a direction fitted on ~10 unrelated prompts changes their bias beyond the null of random directions, as the gender direction changes gender prompts";
    public RuleNeeds Needs => new() { Metrics = [MetricNames.PronounBias], Null = true, Concepts = 2, ConceptDatasets = [PromptsDataset], Evaluated = 2 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.PronounBias && !r.IsBaseline)
            .Select(r => r.Edit).Distinct().ToList();
        if (edits.Count == 0) return Verdict.Missing("no edited pronoun_bias rows");
        var fitted = q.Methods.Where(m => !q.IsRandom(m) && q.ConceptOf(m) == PromptsDataset).ToList();
        var concept = q.Methods.Where(m => !q.IsRandom(m) && q.ConceptOf(m) is { } d && d != PromptsDataset).ToList();
        if (fitted.Count == 0) return Verdict.Missing($"no method fitted on the '{PromptsDataset}' prompts");
        if (concept.Count == 0) return Verdict.Missing("no method fitted on another concept (e.g. gender) for comparison");

        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in fitted.Concat(concept))
        {
            var dataset = q.ConceptOf(m)!;
            var checks = new List<Check>();
            foreach (var e in edits)
                if (q.Row(MetricNames.PronounBias, m, e, dataset) is { } row)
                {
                    var check = MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Away, 0, MethodEvidence.MaxBiasWidth);
                    checks.Add(check with { Line = $"{e}: {check.Line}" });
                }
            if (checks.Count == 0) return Verdict.Missing($"pronoun_bias of {m} on {dataset}");
            // Existence: one edit that breaks the prompts is enough.
            var word = checks.Any(c => c.Word == Verdict.Supported) ? Verdict.Supported
                : checks.Any(c => c.Word == Verdict.NotSupported) ? Verdict.NotSupported : Verdict.Inconclusive;
            methods.Add(new MethodVerdict(m, word, checks));
            evidence.Add($"{m} on its {dataset} prompts: bias {F(q.Baseline(MetricNames.PronounBias, dataset))} unedited");
        }
        return Verdict.Of($"a method fitted on {PromptsDataset}", fitted[0], methods, evidence);
    }
}
