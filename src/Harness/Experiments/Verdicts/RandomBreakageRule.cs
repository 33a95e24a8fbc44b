using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// RandomBreakage: any ~10 unrelated prompts admit a direction that breaks them. A direction fitted
/// on the `random` dataset's ten prompts with arbitrary labels is edited along, and its effect on
/// those prompts (the largest |bias change| over the edits) is compared with that of the concept
/// direction of another dataset (gender) on its own prompts, and of a random direction (the
/// `random` method) on the ten prompts. Supported when the fitted direction's effect is at least
/// half the gender direction's and more than twice the random direction's; not supported when it
/// is no more than twice the random direction's.
public sealed class RandomBreakageRule : IVerdictRule
{
    public const string PromptsDataset = "random";

    public string Name => "RandomBreakage";
    public string Claim => "a direction fitted on ~10 arbitrary-labelled prompts changes their outputs about as much as the gender direction changes gender prompts";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.PronounBias && !r.IsBaseline)
            .Select(r => r.Edit).Distinct().ToList();
        if (edits.Count == 0) return Verdict.Missing("no edited pronoun_bias rows");
        double? Effect(string method, string dataset)
        {
            var before = q.Baseline(MetricNames.PronounBias, dataset);
            var values = edits.Select(e => q.Value(MetricNames.PronounBias, method, e, dataset)).Where(v => v is not null).Select(v => v!.Value).ToList();
            return before is null || values.Count == 0 ? null : values.Max(v => Math.Abs(v - before.Value));
        }
        var fitted = q.Methods.Where(m => !IsFamily(m, "random") && q.ConceptOf(m) == PromptsDataset).ToList();
        var concept = q.Methods.Where(m => !IsFamily(m, "random") && q.ConceptOf(m) is { } d && d != PromptsDataset).ToList();
        var control = q.Family("random").FirstOrDefault();
        if (fitted.Count == 0) return Verdict.Missing($"no method fitted on the '{PromptsDataset}' prompts");
        if (concept.Count == 0) return Verdict.Missing("no method fitted on another concept (e.g. gender) for comparison");

        var evidence = new List<string>();
        double? best(IEnumerable<string> methods, Func<string, string> dataset, string what)
        {
            double? top = null;
            foreach (var m in methods)
            {
                var e = Effect(m, dataset(m));
                evidence.Add($"{what} {m} on {dataset(m)} prompts: largest |bias change| {F(e)}");
                if (e is not null && (top is null || e > top)) top = e;
            }
            return top;
        }
        var eFitted = best(fitted, _ => PromptsDataset, "fitted");
        var eConcept = best(concept, m => q.ConceptOf(m)!, "concept");
        var eRandom = control is null ? null : best([control], _ => PromptsDataset, "random direction");
        if (eFitted is null || eConcept is null) return Verdict.Missing("pronoun_bias on the random and concept prompts");
        bool comparable = eFitted >= 0.5 * eConcept;
        bool beatsRandom = eRandom is null || eFitted > 2 * eRandom;
        string word = comparable && beatsRandom ? Verdict.Supported : !beatsRandom ? Verdict.NotSupported : Verdict.Mixed;
        evidence.Add($"fitted {F(eFitted)} vs concept {F(eConcept)} (needs >= half) and random {F(eRandom)} (needs > twice)");
        return new Verdict(word, evidence);
    }
}
