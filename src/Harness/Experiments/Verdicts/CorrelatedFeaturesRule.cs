using Harness.Erasure;
using Harness.Experiments.Evidence;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CorrelatedFeatures (Neel): "the model is representing several correlated features—is_woman,
/// is_wearing_a_dress, has_long_hair, etc. Even if you can properly isolate the is_woman direction,
/// just deleting this may not matter that much". Needs a direction fitted on the gender concept (a
/// method without a cue: "gender"), directions fitted on single features (methods whose concept has
/// a `cue`: "hair", "occupation", ...), a union of the features with the gender direction
/// ("together"), a null, and the evaluated dataset gender-attributes (prompts cued by one feature
/// only). Per model, "erasing the gender direction leaves the attribute route standing":
///   (1) the gender direction is real: projecting it out lowers the gender bias (effect below 0,
///       beyond the null);
///   (2) the attribute route stands: on gender-attributes, the bias with the gender direction
///       projected out is still above 0 (its interval);
///   (3) the route runs through the features: projecting out the gender direction and the features
///       together leaves less of that bias than the gender direction alone (disjoint intervals).
/// The evidence lists the cosines between the gender direction and each feature's, and the bias on
/// gender-cues per number of agreeing cues (the unedited bias of a group is the model's confidence on
/// it) before and after each erasure, with the drop relative to the unedited bias.
public sealed class CorrelatedFeaturesRule : IVerdictRule
{
    public const string AttributesDataset = "gender-attributes";
    public const string CuesDataset = "gender-cues";

    public string Name => "CorrelatedFeatures";
    public string Claim => "erasing the gender direction leaves the correlated features' route standing: attribute-cued bias survives it and falls further when the features' directions go too";
    public RuleNeeds Needs => new() { Edits = [["project"]], Metrics = [MetricNames.PronounBias], Methods = [UnionDirections.Name], Null = true, Evaluated = 2 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var all = new ResultQuery(rows, labels);
        var gender = labels.Methods.FirstOrDefault(m => m.Value.Cue is null && m.Value.Name is not (UnionDirections.Name or RandomDirections.Name) && m.Value.SubsetGroup is null).Key;
        var features = labels.Methods.Where(m => m.Value.Cue is not null).Select(m => m.Key).ToList();
        var together = labels.Methods.FirstOrDefault(m => m.Value.Name == UnionDirections.Name && m.Value.Of!.Contains(gender) && features.All(m.Value.Of!.Contains)).Key;
        if (gender is null || features.Count == 0 || together is null)
            return Verdict.Missing("a direction for gender (no cue), directions for single features (a concept with \"cue\") and a union of both");
        var concept = labels.Method(gender)!.Concept;
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var model in all.Models)
        {
            var q = all.For(model);
            var edit = q.Edit("project");
            if (edit is null) return Verdict.Missing("no project edit");
            var onGender = q.Row(MetricNames.PronounBias, gender, edit, concept);
            var left = q.Row(MetricNames.PronounBias, gender, edit, AttributesDataset);
            var both = q.Row(MetricNames.PronounBias, together, edit, AttributesDataset);
            if (onGender is null || left is null || both is null)
                return Verdict.Missing($"pronoun_bias of {gender} on {concept} and of {gender} and {together} on {AttributesDataset} for {model}");
            methods.Add(MethodVerdict.Of(model,
            [
                MethodEvidence.Judge(onGender, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth),
                MethodEvidence.Judge(left, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, 0, MethodEvidence.MaxBiasWidth, needsNull: false),
                MethodEvidence.Exceeds(left, gender, both, together),
            ]));
            var cosines = features.Select(f => (f, q.Rows.FirstOrDefault(r => r.Metric == MetricNames.DirectionCosine && r.Method == gender && r.Versus == f)?.Value))
                .Where(c => c.Item2 is not null).Select(c => $"{c.f} {F(c.Item2)}").ToList();
            if (cosines.Count > 0) evidence.Add($"{model}: |cos| between {gender} and {string.Join(", ", cosines)}");
            evidence.Add($"{model}: {AttributesDataset} bias {F(q.Baseline(MetricNames.PronounBias, AttributesDataset))} unedited; per feature kind, unedited -> {gender} projected out: "
                + string.Join(", ", features.Select(f => labels.Method(f)!.Cue!).Select(cue => $"{cue} {F(Group(q, ResultRow.None, ResultRow.None, AttributesDataset, cue)?.Value)} -> {F(Group(q, gender, edit, AttributesDataset, cue)?.Value)}")));
            var unions = new[] { gender, together }.Concat(labels.Methods.Where(m => m.Value.Name == UnionDirections.Name && m.Key != together).Select(m => m.Key)).ToList();
            foreach (var method in unions)
                if (GroupLine(q, CuesDataset, method, edit, l => !EvidenceRows.IsConfidenceLabel(l)) is { } line)
                    evidence.Add($"{model}: {CuesDataset} bias by cues, unedited -> {method} projected out (relative drop): {line}");
            // "esp if the answer is obvious": the same by the unedited model's confidence (spec: evaluate.confidence_bins).
            foreach (var dataset in new[] { AttributesDataset, CuesDataset })
                foreach (var method in unions)
                    if (GroupLine(q, dataset, method, edit, EvidenceRows.IsConfidenceLabel) is { } line)
                        evidence.Add($"{model}: {dataset} bias by the unedited model's confidence (1 = least confident), unedited -> {method} projected out (relative drop): {line}");
        }
        return Verdict.Of("gender", null, methods, evidence);
    }

    /// "cue=1 0.427 -> 0.343 (-0.195), ...": each group's bias unedited and edited, or null when
    /// the dataset has no groups of this kind.
    private static string? GroupLine(ResultQuery q, string dataset, string method, string edit, Func<string, bool> kind)
    {
        var groups = q.LabelsOf(MetricNames.PronounBias, dataset).Where(l => EvidenceRows.IsGroupLabel(l) && kind(l)).Order(StringComparer.Ordinal).ToList();
        if (groups.Count == 0) return null;
        return string.Join(", ", groups.Select(g =>
        {
            var before = q.LabelRow(MetricNames.PronounBias, ResultRow.None, ResultRow.None, dataset, g);
            var after = q.LabelRow(MetricNames.PronounBias, method, edit, dataset, g);
            string relative = before is { Value: > 0 } && after?.Effect is double e ? $" ({F(e / before.Value)})" : "";
            return $"{g} {F(before?.Value)} -> {F(after?.Value)}{relative}";
        }));
    }

    private static ResultRow? Group(ResultQuery q, string method, string edit, string dataset, string cue) =>
        q.LabelRow(MetricNames.PronounBias, method, edit, dataset, EvidenceRows.GroupLabel(cue));
}
