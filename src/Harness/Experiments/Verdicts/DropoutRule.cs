using Harness.Edits;
using Harness.Erasure;
using Harness.Experiments.Evidence;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Dropout: residual dropout makes the concept redundant, so removing one direction does less in a
/// model trained with dropout than in the same model trained without it (the discussion suggested
/// GPT-Neo, trained without dropout; the organisms gpt2-dropout and gpt2-nodropout differ only in
/// dropout). Needs a multi-model run whose models form arms (DropoutArms: gpt2-dropout,
/// gpt2-dropout-seed2, ... against gpt2-nodropout, gpt2-nodropout-seed2, ...). One trained model per
/// arm cannot tell dropout from the training seed, so the verdict is on the spread between seeds:
/// per method (fitted on each model), (1) without dropout the projection's effect on the bias is
/// real: the mean over the arm's seeds has its t interval below 0 and every seed's effect beats the
/// null of random directions; (2) the effect with dropout is smaller: the Welch interval of the
/// difference of the arms' means (with minus without, over seeds) lies above 0. With one model in
/// an arm the method is inconclusive and the two models' intervals are listed. Arms without a twin
/// (neo-nodropout) are reported beside the pairs.
public sealed class DropoutRule : IVerdictRule
{
    public string Name => "Dropout";
    public string Claim => "removing the direction lowers the bias less in the models trained with dropout than in the twins without: the Welch interval over training seeds of the difference above 0";
    public RuleNeeds Needs => new() { Edits = [["project"]], Metrics = [MetricNames.PronounBias], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var all = new ResultQuery(rows, labels);
        var arms = DropoutArms.Of(all.Models);
        if (arms.Pairs.Count == 0)
            return Verdict.Missing($"needs a model with dropout and its twin whose name says nodropout, got {string.Join(", ", all.Models)}");
        // The projection the claim is about (any centre but zero), and the zero-centred projection
        // that, on random coordinates, zeroes them.
        bool Project(string e) => labels.IsKind(e, "project");
        var edit = rows.Select(r => r.Edit).Distinct().FirstOrDefault(e => Project(e) && labels.EditCentres.GetValueOrDefault(e) != CentreKind.Zero);
        if (edit is null) return Verdict.Missing("no project edit centred away from zero");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        var first = all.For(arms.Pairs[0].With.Models[0]);
        foreach (var pair in arms.Pairs)
        {
            string Named(string m) => arms.Pairs.Count == 1 ? m : $"{m} ({pair.With.Name} vs {pair.Without.Name})";
            evidence.Add($"{pair.With.Name}: {pair.With.Models.Count} trained models ({string.Join(", ", pair.With.Models)}); {pair.Without.Name}: {pair.Without.Models.Count} ({string.Join(", ", pair.Without.Models)})");
            foreach (var m in first.Judged)
            {
                var dataset = first.ConceptOf(m);
                if (dataset is null) continue;
                var with = Effects(all, pair.With, m, edit, dataset);
                var without = Effects(all, pair.Without, m, edit, dataset);
                if (with is null || without is null) return Verdict.Missing($"the effect on pronoun_bias of {m} on {dataset} for every model of {pair.With.Name} and {pair.Without.Name}");
                methods.Add(MethodVerdict.Of(Named(m), Compare(with, without, pair, r => r.Effect!.Value, "bias change", requireNull: true)));
                evidence.Add($"{m}: bias change per seed {List(with)} with dropout, {List(without)} without");
            }
            if (Coordinates(all, labels, pair, evidence) is { } zeroed) methods.Add(zeroed with { Method = Named(zeroed.Method) });
        }
        foreach (var arm in arms.Beside)
            foreach (var m in first.Judged)
                if (first.ConceptOf(m) is { } dataset && Effects(all, arm, m, edit, dataset) is { } rs)
                    evidence.Add($"beside, not judged ({arm.Name}, no twin): {m} bias change {string.Join(", ", rs.Select(r => $"{F(r.Effect)} [{F(r.EffectCiLow)}, {F(r.EffectCiHigh)}]"))}");
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        return Verdict.Of(RlaceEraser.MethodName, first.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }

    /// The checks of one quantity (`value` of each model's row) between the arms of a pair.
    private static List<Check> Compare(IReadOnlyList<ResultRow> with, IReadOnlyList<ResultRow> without, DropoutArms.Pair pair, Func<ResultRow, double> value, string name, bool requireNull)
    {
        if (with.Count < 2 || without.Count < 2)
            return [new(Verdict.Inconclusive,
                $"one trained model in an arm, so dropout cannot be told from the training seed: {name} {List(with, value)} with dropout, {List(without, value)} without")];
        var mWithout = SeedStatistics.MeanOf(without.Select(value).ToList());
        var diff = SeedStatistics.Welch(with.Select(value).ToList(), without.Select(value).ToList());
        var checks = new List<Check>();
        bool real = mWithout.High < 0;
        int beat = without.Count(r => r.NullRank <= MethodEvidence.MaxNullRank);
        bool allBeat = !requireNull || beat == without.Count;
        checks.Add(new(real && allBeat ? Verdict.Supported : Verdict.NotSupported,
            $"{pair.Without.Name}: mean {name} over {mWithout.N} seeds {F(mWithout.Value)} [{F(mWithout.Low)}, {F(mWithout.High)}] {(real ? "<" : "not below")} 0"
            + (requireNull ? $"; {beat} of {without.Count} seeds beyond the null (rank <= {F(MethodEvidence.MaxNullRank)})" : "")));
        bool above = diff.Low > 0;
        checks.Add(new(above ? Verdict.Supported : Verdict.NotSupported,
            $"{pair.With.Name} minus {pair.Without.Name}: {F(diff.Value)} [{F(diff.Low)}, {F(diff.High)}] (Welch, df {diff.Df:0.0}) {(above ? ">" : "not above")} 0"));
        return checks;
    }

    /// Each model's row of the arm, or null when one is missing or has no effect.
    private static List<ResultRow>? Effects(ResultQuery all, DropoutArms.Arm arm, string method, string edit, string dataset)
    {
        var rows = arm.Models.Select(model => all.For(model).Row(MetricNames.PronounBias, method, edit, dataset)).ToList();
        return rows.All(r => r?.Effect is not null) ? rows.OfType<ResultRow>().ToList() : null;
    }

    private static string List(IEnumerable<ResultRow> rows) => List(rows, r => r.Effect!.Value);

    private static string List(IEnumerable<ResultRow> rows, Func<ResultRow, double> value) =>
        "[" + string.Join(", ", rows.Select(r => F(value(r)))) + "]";

    /// Residual dropout zeroes single coordinates in training, so a model trained with it should
    /// lose less when k coordinates are zeroed. For every `random` method of kind coordinates (k =
    /// its rank) under a projection centred at zero, each model's mean effect on the bias over its
    /// null's draws (independent coordinate sets; `null_mean`) is one value per seed, and the arms are
    /// compared as above (the mean without dropout below 0, the Welch difference above 0), one pair of
    /// checks per k.
    private static MethodVerdict? Coordinates(ResultQuery all, RunLabels labels, DropoutArms.Pair pair, List<string> evidence)
    {
        var zero = all.Labels.EditCentres.Where(e => labels.IsKind(e.Key, "project") && e.Value == CentreKind.Zero).Select(e => e.Key).FirstOrDefault();
        if (zero is null) return null;
        var sources = labels.Methods
            .Where(m => m.Value.Name == RandomDirections.Name && m.Value.Options.GetValueOrDefault("kind") == RandomDirections.Coordinates)
            .OrderBy(m => int.Parse(m.Value.Options.GetValueOrDefault("rank", "1"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var checks = new List<Check>();
        foreach (var (label, method) in sources)
        {
            string k = method.Options.GetValueOrDefault("rank", "1");
            var with = Means(all, pair.With, label, zero, method.Concept);
            var without = Means(all, pair.Without, label, zero, method.Concept);
            if (with is null || without is null)
            {
                checks.Add(new(Verdict.Inconclusive, $"k = {k}: no mean effect over draws for {label} on every model"));
                continue;
            }
            checks.AddRange(Compare(with, without, pair, r => r.NullMean!.Value, $"k = {k}: mean bias change over {with[0].NullN} draws", requireNull: false));
        }
        if (checks.Count == 0) return null;
        evidence.Add($"coordinates: zeroing k random coordinates of the residual ({zero}) on every model of {pair.With.Name} and {pair.Without.Name}, each k a random method of kind coordinates");
        return MethodVerdict.Of("coordinates", checks);
    }

    private static List<ResultRow>? Means(ResultQuery all, DropoutArms.Arm arm, string label, string edit, string dataset)
    {
        var rows = arm.Models.Select(model => all.For(model).Row(MetricNames.PronounBias, label, edit, dataset)).ToList();
        return rows.All(r => r?.NullMean is not null) ? rows.OfType<ResultRow>().ToList() : null;
    }
}
