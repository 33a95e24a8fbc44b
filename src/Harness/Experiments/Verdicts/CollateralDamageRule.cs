using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CollateralDamage: "generation diverge slower when it's not about gender" (Fabien), tested once
/// the intended flip is not counted as damage. At a concept prompt's last position the edit is meant
/// to move the answer, so the KL there measures the flip; the rule reads instead:
///   - for every edit, the KL on the concept's running text at the positions that do not predict
///     one of its concept words (split text-unflipped: she / he, names, gendered nouns excluded) exceeds the KL on the
///     control dataset's text (dataset "controls", else the first other one with text);
///   - for a reflection that swaps (its edited bias's interval below 0: the intended outcome is
///     then the partner prompt's behaviour), the edited greedy generation of a concept prompt leaves its partner's unedited generation
///     (partner_divergence) earlier than a control prompt's edited generation leaves its own
///     (generation_divergence).
/// The two sides are different texts and prompts, so each comparison asks for disjoint intervals
/// (MethodEvidence.Exceeds). Evidence, not deciding: the same text comparison per unit of edit
/// size (kl_damage_per_edit_size: is the damage there only because the edit is larger there?), and
/// the counterfactual KL to the partner (partner_kl). The overall word is RLACE's.
public sealed class CollateralDamageRule : IVerdictRule
{
    public string Name => "CollateralDamage";
    public string Claim => "once the intended flip is not counted, edits damage the concept's text more than control text (KL at the positions not predicting a concept word), and a swap's generations leave their partner's earlier than control generations leave their own: disjoint intervals";
    public RuleNeeds Needs => new() { Metrics = [MetricNames.KlDamage], Evaluated = 2 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        var texts = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && r.Split == ResultRow.TextSplit)
            .Select(r => r.Dataset).Distinct().ToList();
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && !r.IsBaseline)
            .Select(r => r.Edit).Distinct().ToList();
        foreach (var m in q.Judged)
        {
            var concept = q.ConceptOf(m);
            if (concept is null) continue;
            var control = texts.Contains("controls") && concept != "controls" ? "controls" : texts.FirstOrDefault(d => d != concept);
            if (control is null) return Verdict.Missing("text.jsonl damage on a control dataset (kl_damage, max_texts > 0)");
            var checks = new List<Check>();
            foreach (var e in edits)
            {
                var onConcept = q.Row(MetricNames.KlDamage, m, e, concept, ResultRow.UnflippedTextSplit);
                var onControl = q.Row(MetricNames.KlDamage, m, e, control, ResultRow.TextSplit);
                if (onConcept is null || onControl is null) continue;
                var kl = MethodEvidence.Exceeds(onConcept, $"{concept} text (unflipped)", onControl, $"{control} text");
                checks.Add(kl with { Line = $"{e}: {kl.Line}" });
                if (q.Row(MetricNames.KlPerEditSize, m, e, concept, ResultRow.UnflippedTextSplit) is { } sizeConcept
                    && q.Row(MetricNames.KlPerEditSize, m, e, control, ResultRow.TextSplit) is { } sizeControl)
                    evidence.Add($"{m} {e} per unit of edit size: {MethodEvidence.Exceeds(sizeConcept, $"{concept} text (unflipped)", sizeControl, $"{control} text").Line}");
                if (labels.IsKind(e, "reflect"))
                {
                    var leaves = q.Row(MetricNames.PartnerDivergence, m, e, concept);
                    var controlLeaves = q.Row(MetricNames.GenerationDivergence, m, e, control);
                    // The partner's generation is the swap's intended outcome only when the swap
                    // happens (the edited bias inverted); otherwise leaving it early is the swap
                    // failing, not damage.
                    bool swaps = q.Row(MetricNames.PronounBias, m, e, concept) is { CiHigh: double high } && high < 0;
                    if (leaves is not null && controlLeaves is not null && swaps)
                    {
                        // Earlier on the concept: the control's first differing token comes later.
                        var g = MethodEvidence.Exceeds(controlLeaves, $"{control} (own unedited)", leaves, $"{concept} (partner's unedited)");
                        checks.Add(g with { Line = $"{e}: {g.Line}" });
                    }
                    else if (leaves is not null && controlLeaves is not null)
                        evidence.Add($"{m} {e}: does not swap (pronoun_bias not below 0), so its generations are not compared with the partner's");
                    if (q.Row(MetricNames.PartnerKl, m, e, concept) is { Effect: double shift } partner)
                        evidence.Add($"{m} {e}: partner_kl {F(partner.Value)} [{F(partner.CiLow)}, {F(partner.CiHigh)}] (unedited {F(q.Baseline(MetricNames.PartnerKl, concept))}, effect {F(shift)} [{F(partner.EffectCiLow)}, {F(partner.EffectCiHigh)}])");
                }
            }
            if (checks.Count > 0) methods.Add(MethodVerdict.Of(m, checks));
        }
        if (methods.Count == 0) return Verdict.Missing($"kl_damage on the concept's text (split {ResultRow.UnflippedTextSplit}: a text.jsonl of a paired dataset) and a control text");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }
}
