using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// RandomBreakage, as the discussion states it: "for any set of, say, 10 prompts, even with no real
/// connection, you could learn a direction that fucks with all of them". Methods run on seeded
/// subsets of ten `unrelated` prompts (an entry with `subsets`): the adversarial direction learned
/// to break them, and RLACE and the probe fitted to an arbitrary balanced labelling of them (the
/// discussion's procedure). Measured on the logit difference (the bias of these prompts is
/// saturated near 1) of each edit.
///
/// Per method entry, per subset: the subset is broken when the edit's effect on the logit difference
/// of its own ten prompts has its interval below 0 and beats the null of random directions on the
/// same ten prompts (null_rank <= 0.05). The entry is supported when
///   (1) most subsets (more than half) are broken, and
///   (2) the median over subsets of the relative change of the own prompts' logit difference
///       (effect / unedited) is at least half the relative change the reference direction (the
///       subject method fitted on the other concept, on its own prompts) makes: "about as much as
///       the gender direction changes gender prompts";
/// not supported when either fails, under every edit (one edit that breaks them is enough). Whether the damage reaches held-out prompts (other frames of
/// `unrelated`'s test split, and gender prompts) is reported beside it: the discussion predicts a
/// direction "with no conceptual meaning", i.e. one that should not.
///
/// The overall word is the adversarial entry's (the claim is that such a direction can be learned);
/// RLACE's and the probe's entries are the discussion's own procedure, listed where they disagree.
public sealed class RandomBreakageRule : IVerdictRule
{
    public const string PromptsDataset = "unrelated";

    public string Name => "RandomBreakage";
    public string Claim => "a direction learned on any ten unrelated prompts breaks them (logit difference beyond the null on most subsets) about as much as the gender direction changes gender prompts";
    public RuleNeeds Needs => new()
    {
        Metrics = [MetricNames.LogitDiff], Null = true, Concepts = 2, ConceptDatasets = [PromptsDataset], Evaluated = 2, Subsets = true,
        Methods = [AdversarialDirection.Name],
    };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var groups = labels.SubsetGroups.Where(g => labels.Method(g.Members[0])?.Concept == PromptsDataset).ToList();
        if (groups.Count == 0) return Verdict.Missing($"no method fitted on subsets of '{PromptsDataset}'");
        var references = q.Judged.Where(m => labels.Method(m) is { SubsetGroup: null } l && l.Concept != PromptsDataset).ToList();
        if (references.Count == 0) return Verdict.Missing("no method fitted on another concept (e.g. gender) for comparison");
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.LogitDiff && !r.IsBaseline && r.Method != ResultRow.None)
            .Select(r => r.Edit).Where(e => e != ResultRow.FitEdit).Distinct().ToList();
        if (edits.Count == 0) return Verdict.Missing("no edited logit_diff rows");

        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        // The reference: each other-concept method's relative change on its own concept's prompts.
        var referenceChange = new Dictionary<(string Method, string Edit), double>();
        foreach (var m in references)
        {
            var dataset = q.ConceptOf(m)!;
            var checks = new List<Check>();
            foreach (var e in edits)
                if (q.Row(MetricNames.LogitDiff, m, e, dataset) is { Effect: double effect } row && q.Baseline(MetricNames.LogitDiff, dataset) is double unedited && unedited != 0)
                {
                    referenceChange[(m, e)] = effect / unedited;
                    var check = MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, double.PositiveInfinity);
                    checks.Add(check with { Line = $"{e} on its {dataset} prompts: {check.Line} (relative change {F(effect / unedited)})" });
                }
            if (checks.Count == 0) return Verdict.Missing($"logit_diff of {m} on {dataset}");
            methods.Add(new MethodVerdict(m, Existence(checks), checks));
        }
        var subjectReference = references.FirstOrDefault(m => labels.Is(m, AdversarialDirection.Name)) ?? references[0];

        foreach (var (group, members) in groups)
        {
            var checks = new List<Check>();
            var byEdit = new List<string>();
            foreach (var e in edits)
            {
                int first = checks.Count;
                int broken = 0, measured = 0, heldOut = 0, gender = 0;
                var relative = new List<double>();
                double accuracyBefore = 0, accuracyAfter = 0;
                int accuracyCount = 0;
                foreach (var member in members)
                {
                    int k = labels.Method(member)!.Subset!.Value;
                    var split = PromptSubsets.SplitName(k);
                    if (q.Row(MetricNames.LogitDiff, member, e, PromptsDataset, split) is not { Effect: double effect } own) continue;
                    measured++;
                    if (MethodEvidence.Judge(own, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, double.PositiveInfinity).Word == Verdict.Supported) broken++;
                    if (q.Baseline(MetricNames.LogitDiff, PromptsDataset, split) is double unedited && unedited != 0) relative.Add(effect / unedited);
                    if (q.Row(MetricNames.AnswerAccuracy, member, e, PromptsDataset, split) is { } acc && q.Baseline(MetricNames.AnswerAccuracy, PromptsDataset, split) is double before)
                    {
                        accuracyBefore += before; accuracyAfter += acc.Value; accuracyCount++;
                    }
                    if (q.Row(MetricNames.LogitDiff, member, e, PromptsDataset) is { } test
                        && MethodEvidence.Judge(test, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, double.PositiveInfinity).Word == Verdict.Supported) heldOut++;
                    var other = q.ConceptOf(subjectReference);
                    if (other is not null && q.Row(MetricNames.LogitDiff, member, e, other) is { } g
                        && MethodEvidence.Judge(g, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Away, 0, double.PositiveInfinity).Word == Verdict.Supported) gender++;
                }
                if (measured == 0) continue;
                bool most = 2 * broken > measured;
                checks.Add(new(most ? Verdict.Supported : Verdict.NotSupported,
                    $"{e}: {broken} of {measured} subsets broken on their own ten prompts (logit_diff effect interval below 0, null rank <= {F(MethodEvidence.MaxNullRank)}){(most ? "" : ": not most")}"));
                if (relative.Count > 0 && referenceChange.TryGetValue((subjectReference, e), out var reference))
                {
                    double median = Median(relative);
                    bool asMuch = median <= 0.5 * reference;
                    checks.Add(new(asMuch ? Verdict.Supported : Verdict.NotSupported,
                        $"{e}: median relative change of the own logit difference {F(median)} over {relative.Count} subsets {(asMuch ? "reaches" : "falls short of")} half of {subjectReference}'s {F(reference)} on its prompts"));
                }
                var line = $"{group} {e}: held-out damage (beyond the null) on {heldOut} of {measured} subsets on {PromptsDataset}/test; a change of the {q.ConceptOf(subjectReference)} logit difference on {gender} of {measured}";
                if (accuracyCount > 0) line += $"; own answer accuracy {F(accuracyBefore / accuracyCount)} -> {F(accuracyAfter / accuracyCount)} (mean over subsets)";
                if (q.Row(MetricNames.LogitDiff, group, e, PromptsDataset, PromptSubsets.Together) is { Effect: double all, EffectCiLow: double lo, EffectCiHigh: double hi } together)
                    line += $"; all subsets together (resampled by subset): own logit_diff effect {F(all)} [{F(lo)}, {F(hi)}] of {F(q.Baseline(MetricNames.LogitDiff, PromptsDataset, PromptSubsets.Together) ?? double.NaN)} unedited"
                        + (together.NullRank is double rank ? $", null rank {F(rank)}" : "");
                evidence.Add(line);
                byEdit.Add(MethodVerdict.Combine(checks.Skip(first).Select(c => c.Word).ToList()));
            }
            if (checks.Count == 0) return Verdict.Missing($"logit_diff of {group}'s members on their own prompts");
            // Existence over edits: the claim holds for an entry when it holds under some edit.
            methods.Add(new MethodVerdict(group, Existence(byEdit), checks));
        }
        var subject = groups.Select(g => g.Group).FirstOrDefault(g => labels.Is(g, AdversarialDirection.Name));
        return Verdict.Of("the adversarial direction learned on ten prompts", subject, methods, evidence);
    }

    /// Existence: one edit that moves the prompts is enough for the reference.
    private static string Existence(IReadOnlyList<Check> checks) => Existence(checks.Select(c => c.Word).ToList());

    private static string Existence(IReadOnlyList<string> words) =>
        words.Any(w => w == Verdict.Supported) ? Verdict.Supported
        : words.Any(w => w == Verdict.NotSupported) ? Verdict.NotSupported : Verdict.Inconclusive;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
