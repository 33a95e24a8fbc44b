using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// The verdict rules on hand-made rows with intervals and null ranks: the discussion's GPT-2
/// numbers, their opposites, effects within the null, and missing rows.
public class VerdictRuleTests
{
    private sealed class Rows
    {
        private readonly Dictionary<(string, string, string), double> _baselines = new();
        private readonly Dictionary<string, MethodLabel> _methods = new();

        /// What the labels stand for, as a spec would say: each Fit's method and concept, the edits' kinds.
        public RunLabels Labels => new(_methods, EditKinds) { EditStrengths = Strengths };
        public List<ResultRow> List { get; } = new();
        public string Model { get; set; } = "gpt2";
        public string Site { get; set; } = "blocks.6.hook_resid_post";

        /// A row with an interval value ± halfWidth; an edited row whose metric has an unedited row
        /// also gets its effect (± halfWidth) and a null rank.
        public Rows Add(string method, string edit, string metric, double value, string dataset = "gender", double halfWidth = 0.02, double rank = 0.01, string split = "test", string? label = null)
        {
            var row = new ResultRow("x", Model, Site, method, edit, dataset, split, metric, value) { N = 300, CiLow = value - halfWidth, CiHigh = value + halfWidth, Label = label };
            if (method == "none") _baselines[(Model + Site, dataset + "/" + split + "/" + label, metric)] = value;
            else if (_baselines.TryGetValue((Model + Site, dataset + "/" + split + "/" + label, metric), out var before))
                row = row with { Effect = value - before, EffectCiLow = value - before - halfWidth, EffectCiHigh = value - before + halfWidth, NullN = 100, NullRank = rank };
            List.Add(row);
            return this;
        }

        /// A fitted method: its directions row, and its label's method (the label up to "(" or "@").
        public Rows Fit(string method, string dataset = "gender", int k = 1)
        {
            _methods[method] = new MethodLabel(method.Split('(', '@')[0], dataset);
            List.Add(new ResultRow("x", Model, Site, method, "fit", dataset, "train", MetricNames.Directions, k));
            return this;
        }

        /// A method fitted on subset k of `dataset`'s prompts, as an entry `group` with `subsets` expands.
        public Rows FitSubset(string group, int k, string dataset = "unrelated")
        {
            var label = $"{group}(subset={k})";
            _methods[label] = new MethodLabel(group, dataset, k, group);
            _methods[group] = new MethodLabel(group, dataset);   // the entry's own label, as RunLabels.Of maps it
            List.Add(new ResultRow("x", Model, Site, label, "fit", dataset, "train", MetricNames.Directions, 1));
            return this;
        }

        public Rows Logit(string method, string edit, double value, string dataset = "gender", double rank = 0.01, string split = "test", double halfWidth = 0.2) =>
            Add(method, edit, MetricNames.LogitDiff, value, dataset, halfWidth, rank, split);

        public Rows Bias(string method, string edit, double value, string dataset = "gender", double rank = 0.01) =>
            Add(method, edit, MetricNames.PronounBias, value, dataset, rank: rank);
        public Rows Baseline(double bias, string dataset = "gender") => Bias("none", "none", bias, dataset);
        public Rows Probe(string method, string edit, double accuracy, double majority = 0.5, double halfWidth = 0.04) =>
            Add(method, edit, MetricNames.ProbeAccuracy, accuracy, halfWidth: halfWidth).Add(method, edit, MetricNames.ProbeMajority, majority, halfWidth: 0);
    }

    private const string Project = "project(centre=median)", Reflect = "reflect(centre=median)", Amplify = "amplify(centre=median)";

    private static readonly Dictionary<string, double> Strengths = new() { [Project] = 1, [Reflect] = 2, [Amplify] = -1 };

    private static readonly Dictionary<string, string> EditKinds = new()
    {
        [Project] = "project", [Reflect] = "reflect", [Amplify] = "amplify", ["erase"] = "erase", ["reflect(centre=zero)"] = "reflect",
        ["alterrep(alpha=1, sign=1)"] = "alterrep", ["alterrep(alpha=1, sign=-1)"] = "alterrep",
    };

    private static Verdict Decide(IVerdictRule rule, Rows rows) => rule.Decide(rows.List, rows.Labels);

    /// The discussion's numbers on GPT-2 (RLACE and the probe), each ± 0.02, beyond the null.
    private static Rows Discussion() => new Rows().Baseline(0.87)
        .Fit("rlace").Fit("probe").Fit("random")
        .Bias("rlace", Project, 0.73).Bias("probe", Project, 0.82).Bias("random", Project, 0.87)
        .Bias("rlace", Reflect, -0.29).Bias("probe", Reflect, 0.68).Bias("random", Reflect, 0.87)
        .Bias("rlace", Amplify, 0.83).Bias("probe", Amplify, 0.90).Bias("random", Amplify, 0.87);

    private static string Word(Verdict v, string method) => v.Methods.Single(m => m.Method == method).Word;

    [Test]
    public void EveryHypothesisHasARuleWithAUniqueName()
    {
        VerdictRules.All.Select(r => r.Name).Should().Equal("Projection", "Swap", "Amplify", "Dropout", "CorrelatedFeatures", "RandomBreakage", "BreakVsEdit", "Gradient",
            "Overdetermined", "ProbeSubspace", "CollateralDamage", "CrossConcept", "LayerSweep", "Leace", "LargeVsCrisp");
        VerdictRules.Find("swap").Should().BeOfType<SwapRule>();
    }

    [Test]
    public void TheDiscussionsNumbersGiveRlacesVerdictWithTheDisagreementListed()
    {
        var rows = Discussion();
        var projection = Decide(new ProjectionRule(), rows);
        projection.Word.Should().Be(Verdict.Supported);
        projection.Methods.Select(m => m.Method).Should().Equal("rlace", "probe");
        projection.Methods[0].Line.Should().Be("rlace: supported (effect -0.140 [-0.160, -0.120] < 0.000; null rank 0.010 <= 0.050)");
        projection.Evidence.Should().Contain("random (control, draw 0): bias 0.870 -> 0.870 on gender");

        var swap = Decide(new SwapRule(), rows);
        swap.Word.Should().Be(Verdict.Supported, "RLACE inverts the bias; the probe's failure is a result, not a muddle");
        Word(swap, "probe").Should().Be(Verdict.NotSupported);
        swap.Evidence[^1].Should().Be("overall: rlace's verdict, the method the hypothesis is about; disagreeing: probe (not supported)");

        Decide(new AmplifyRule(), rows).Word.Should().Be(Verdict.Inconclusive, "the rule reads the logit difference, which these rows lack");
    }

    [Test]
    public void ProjectionReadsConfusionAsASecondMeasureWhenMeasured()
    {
        var rows = Discussion().Add("rlace", "patch", MetricNames.Confusion, -2.0, halfWidth: 0.3).Add("probe", "patch", MetricNames.Confusion, 0.1, halfWidth: 0.3);
        var verdict = Decide(new ProjectionRule(), rows);
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Methods[0].Line.Should().Be("rlace: supported (effect -0.140 [-0.160, -0.120] < 0.000; null rank 0.010 <= 0.050; the partner's component patched in: confusion -2.000 [-2.300, -1.700] < 0.000)");
        Word(verdict, "probe").Should().Be(Verdict.NotSupported, "patching the probe's component in does not move the answer");
    }

    [Test]
    public void SwapJudgesEveryCentreAndTheDamageAgainstProjection()
    {
        const string zero = "reflect(centre=zero)";
        var rows = new Rows().Baseline(0.87).Baseline(0.8, "controls").Fit("rlace")
            .Bias("rlace", Reflect, -0.3).Bias("rlace", zero, -0.2).Bias("rlace", Project, 0.73)
            .Add("rlace", Reflect, MetricNames.KlDamage, 0.002, "controls", halfWidth: 0.0005)
            .Add("rlace", zero, MetricNames.KlDamage, 0.0007, "controls", halfWidth: 0.0005)
            .Add("rlace", Project, MetricNames.KlDamage, 0.0005, "controls", halfWidth: 0.0002);
        var verdict = Decide(new SwapRule(), rows);
        verdict.Methods.Single().Checks.Select(c => c.Word).Should().Equal(Verdict.Supported, Verdict.Supported, Verdict.NotSupported, Verdict.Supported);
        verdict.Methods.Single().Checks[1].Line.Should().StartWith($"{zero}: pronoun_bias -0.200");
        verdict.Methods.Single().Checks[2].Line.Should().StartWith($"kl_damage on controls: kl_damage 0.002 [0.0015, 0.0025] on {Reflect} >");
        verdict.Word.Should().Be(Verdict.NotSupported, "the median reflection damages control prompts more than the projection");
    }

    [Test]
    public void AmplifyIsDecidedOnTheLogitDifferenceAtStrengthMinusOne()
    {
        // As the discussion's bias: RLACE's goes down, the probe's up; on the logit difference.
        var rows = new Rows().Logit("none", "none", 5.5).Fit("rlace").Fit("probe").Fit("random")
            .Logit("rlace", Amplify, 5.0).Logit("probe", Amplify, 5.9).Logit("random", Amplify, 5.5)
            .Logit("rlace", Project, 1.0).Logit("probe", Project, 5.2);
        var amplify = Decide(new AmplifyRule(), rows);
        amplify.Word.Should().Be(Verdict.NotSupported, "RLACE's logit difference went down");
        Word(amplify, "probe").Should().Be(Verdict.Supported);
        amplify.Evidence.Should().Contain("rlace on gender: logit_diff 5.500 unedited; by strength -1.000: 5.000, 1.000: 1.000");
        var within = new Rows().Logit("none", "none", 5.5).Fit("probe").Logit("probe", Amplify, 5.7, rank: 0.3);
        Decide(new AmplifyRule(), within).Word.Should().Be(Verdict.NotSupported, "random directions raise it as much");
    }

    [Test]
    public void AnEffectWithinTheNullOrAnIntervalReachingTheBoundaryIsNotSupported()
    {
        var rows = new Rows().Baseline(0.8).Fit("probe")
            .Bias("probe", Project, 0.7, rank: 0.2).Bias("probe", Reflect, 0.01).Bias("probe", Amplify, 0.81);
        Decide(new ProjectionRule(), rows).Word.Should().Be(Verdict.NotSupported, "random directions do as much");
        Decide(new SwapRule(), rows).Word.Should().Be(Verdict.NotSupported, "the edited bias's interval [-0.01, 0.03] reaches 0");
        Decide(new ProjectionRule(), rows).Evidence[^1].Should().Be("overall: no rlace result, so the methods' common verdict");
    }

    [Test]
    public void WithoutIntervalsOrANullTheVerdictIsInconclusive()
    {
        var rows = new List<ResultRow>
        {
            new("x", "m", "s", "none", "none", "gender", "test", MetricNames.PronounBias, 0.8),
            new("x", "m", "s", "rlace", "fit", "gender", "train", MetricNames.Directions, 1),
            new("x", "m", "s", "rlace", Project, "gender", "test", MetricNames.PronounBias, 0.2),
        };
        var labels = new RunLabels(new Dictionary<string, MethodLabel> { ["rlace"] = new("rlace", "gender") }, EditKinds);
        var verdict = new ProjectionRule().Decide(rows, labels);
        verdict.Word.Should().Be(Verdict.Inconclusive);
        verdict.Methods.Single().Line.Should().Be("rlace: inconclusive (no interval for the effect)");
        var discussion = Discussion();
        var noNull = discussion.List.Select(r => r with { NullRank = null }).ToList();
        new ProjectionRule().Decide(noNull, discussion.Labels).Word.Should().Be(Verdict.Inconclusive);
    }

    [Test]
    public void MissingRowsAreInconclusive()
    {
        var rows = new Rows().Baseline(0.8).Fit("probe").Bias("probe", Project, 0.5);
        var swap = Decide(new SwapRule(), rows);
        swap.Word.Should().Be(Verdict.Inconclusive);
        swap.Evidence.Single().Should().Be("missing results: no reflect edit");
        foreach (var rule in VerdictRules.All)
            rule.Decide([], rows.Labels).Word.Should().Be(Verdict.Inconclusive, rule.Name);
        Decide(new DropoutRule(), rows).Word.Should().Be(Verdict.Inconclusive);
        Decide(new LeaceRule(), rows).Word.Should().Be(Verdict.Inconclusive);
    }

    /// Arms of trained models, each seed's edited bias after the projection (baseline 0.9).
    private static Rows Arms(params (string Model, double Bias)[] models)
    {
        var rows = new Rows();
        foreach (var (model, bias) in models)
        {
            rows.Model = model;
            rows.Baseline(0.9).Fit("rlace").Bias("rlace", Project, bias);
        }
        return rows;
    }

    private static Rows Seeds(double[] withDropout, double[] withoutDropout) => Arms(
        [.. withDropout.Select((b, i) => (i == 0 ? "gpt2-dropout" : $"gpt2-dropout-seed{i + 1}", b)),
         .. withoutDropout.Select((b, i) => (i == 0 ? "gpt2-nodropout" : $"gpt2-nodropout-seed{i + 1}", b))]);

    [Test]
    public void Dropout_is_judged_on_the_spread_between_training_seeds()
    {
        // Effects -0.05, -0.06, -0.04 with dropout and -0.4, -0.38, -0.42 without. By hand: the mean
        // without is -0.4, sd 0.02, t(0.975, 2) = 4.3027, interval -0.4 -+ 0.0497; the difference
        // 0.35 has standard error sqrt(0.0001 / 3 + 0.0004 / 3) = 0.01291, Welch df 2.94, t 3.2188
        // (the density integrated numerically): [0.308, 0.392].
        var verdict = Decide(new DropoutRule(), Seeds([0.85, 0.84, 0.86], [0.5, 0.52, 0.48]));
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Methods.Single().Line.Should().Be("rlace: supported (gpt2-nodropout: mean bias change over 3 seeds -0.400 [-0.450, -0.350] < 0; "
            + "3 of 3 seeds beyond the null (rank <= 0.050); gpt2-dropout minus gpt2-nodropout: 0.350 [0.308, 0.392] (Welch, df 2.9) > 0)");
        verdict.Evidence.Should().Contain("rlace: bias change per seed [-0.050, -0.060, -0.040] with dropout, [-0.400, -0.380, -0.420] without");
        // One seed's large effect with dropout spreads its arm: the difference's interval reaches 0.
        Decide(new DropoutRule(), Seeds([0.85, 0.5, 0.84], [0.5, 0.52, 0.48])).Word.Should().Be(Verdict.NotSupported, "the Welch interval includes 0");
    }

    [Test]
    public void One_model_per_arm_cannot_tell_dropout_from_the_seed()
    {
        var verdict = Decide(new DropoutRule(), Seeds([0.85], [0.5]));
        verdict.Word.Should().Be(Verdict.Inconclusive);
        verdict.Methods.Single().Line.Should().Be("rlace: inconclusive (one trained model in an arm, so dropout cannot be told from the training seed: "
            + "bias change [-0.050] with dropout, [-0.400] without)");
    }

    [Test]
    public void An_arm_without_a_twin_is_reported_beside_the_pairs_not_judged()
    {
        var rows = Seeds([0.85, 0.84, 0.86], [0.5, 0.52, 0.48]);
        rows.Model = "neo-nodropout";
        rows.Baseline(0.9).Fit("rlace").Bias("rlace", Project, 0.3);
        var verdict = Decide(new DropoutRule(), rows);
        verdict.Methods.Should().ContainSingle();
        verdict.Evidence.Should().Contain("beside, not judged (neo-nodropout, no twin): rlace bias change -0.600 [-0.620, -0.580]");
        DropoutArms.Of(["gpt2-dropout-seed2", "neo-nodropout", "gpt2-nodropout", "gpt2-dropout"]).Pairs.Single()
            .Should().BeEquivalentTo(new DropoutArms.Pair(new("gpt2-dropout", ["gpt2-dropout", "gpt2-dropout-seed2"]), new("gpt2-nodropout", ["gpt2-nodropout"])));
        Decide(new DropoutRule(), Arms(("neo-nodropout", 0.3), ("gpt2-dropout", 0.5))).Evidence.Single().Should().StartWith("missing results: needs a model with dropout and its twin");
    }

    [Test]
    public void Dropout_zeroed_coordinates_are_judged_per_k_on_each_seeds_mean_over_draws()
    {
        const string Zero = "project(centre=zero)";
        var rows = Seeds([0.85, 0.84, 0.86], [0.5, 0.52, 0.48]);
        // k = 8 random coordinates zeroed: each seed's mean bias effect over 50 draws, about -0.02
        // with dropout and -0.10 without (supported); k = 32: about -0.2 and -0.15 (not).
        var means = new[] { ("gpt2-dropout", -0.02, -0.2), ("gpt2-dropout-seed2", -0.03, -0.21), ("gpt2-dropout-seed3", -0.01, -0.19),
            ("gpt2-nodropout", -0.10, -0.15), ("gpt2-nodropout-seed2", -0.11, -0.16), ("gpt2-nodropout-seed3", -0.09, -0.14) };
        foreach (var (model, k8, k32) in means)
            foreach (var (label, mean) in new[] { ("random-8", k8), ("random-32", k32) })
                rows.List.Add(new ResultRow("x", model, rows.Site, label, Zero, "gender", "test", MetricNames.PronounBias, 0.9 + mean)
                    { NullN = 50, NullMean = mean, NullMeanLow = mean - 0.01, NullMeanHigh = mean + 0.01 });
        var methods = new Dictionary<string, MethodLabel>(rows.Labels.Methods)
        {
            ["random-8"] = new("random", "gender") { Options = new Dictionary<string, string> { ["kind"] = "coordinates", ["rank"] = "8" } },
            ["random-32"] = new("random", "gender") { Options = new Dictionary<string, string> { ["kind"] = "coordinates", ["rank"] = "32" } },
        };
        var labels = new RunLabels(methods, new Dictionary<string, string>(EditKinds) { [Zero] = "project" })
        {
            EditStrengths = new Dictionary<string, double>(Strengths) { [Zero] = 1 },
            EditCentres = new Dictionary<string, Harness.Edits.CentreKind> { [Project] = Harness.Edits.CentreKind.Median, [Zero] = Harness.Edits.CentreKind.Zero },
        };
        var verdict = new DropoutRule().Decide(rows.List, labels);
        verdict.Word.Should().Be(Verdict.Supported, "RLACE's verdict is the overall one");
        var zeroed = verdict.Methods.Single(m => m.Method == "coordinates");
        zeroed.Word.Should().Be(Verdict.NotSupported);
        zeroed.Checks.Select(c => c.Word).Should().Equal(Verdict.Supported, Verdict.Supported, Verdict.Supported, Verdict.NotSupported);
        // Both arms' sd 0.01: standard error 0.008165, df 4, t 2.7764: 0.08 -+ 0.0227.
        zeroed.Checks[1].Line.Should().Be("gpt2-dropout minus gpt2-nodropout: 0.080 [0.057, 0.103] (Welch, df 4.0) > 0");
        verdict.Methods.Single(m => m.Method == "rlace").Checks.Should().HaveCount(2, "the projection is judged on the median-centred edit, not the zeroing one");
    }

    /// gender (LEACE on the gender sentences), hair (on the prompts cued by hair) and their union:
    /// `left` is gender-attributes' bias after projecting out gender, `both` after the union.
    private static Verdict CorrelatedFeatures(double left, double both, double genderAfter = 0.5)
    {
        var rows = new Rows().Baseline(0.9).Baseline(0.3, "gender-attributes").Fit("gender").Fit("hair", "gender-attributes").Fit("together", k: 2)
            .Bias("gender", Project, genderAfter).Bias("gender", Project, left, "gender-attributes").Bias("together", Project, both, "gender-attributes");
        var labels = new RunLabels(new Dictionary<string, MethodLabel>
        {
            ["gender"] = new("leace", "gender"),
            ["hair"] = new("leace", "gender-attributes") { Cue = "hair" },
            ["together"] = new("union", "gender") { Of = ["gender", "hair"] },
        }, EditKinds) { EditStrengths = Strengths };
        return new CorrelatedFeaturesRule().Decide(rows.List, labels);
    }

    [Test]
    public void CorrelatedFeatures_the_attribute_route_stands_when_it_survives_gender_and_falls_with_the_features()
    {
        var verdict = CorrelatedFeatures(left: 0.25, both: 0.05);
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Methods.Single().Line.Should().Be("gpt2: supported (effect -0.400 [-0.420, -0.380] < 0.000; null rank 0.010 <= 0.050; "
            + "pronoun_bias 0.250 [0.230, 0.270] > 0.000; pronoun_bias 0.250 [0.230, 0.270] on gender > 0.050 [0.030, 0.070] on together)");
        CorrelatedFeatures(left: 0.01, both: 0.0).Word.Should().Be(Verdict.NotSupported, "nothing is left of the route once gender is erased");
        CorrelatedFeatures(left: 0.25, both: 0.24).Word.Should().Be(Verdict.NotSupported, "erasing the features too takes nothing more");
        CorrelatedFeatures(left: 0.25, both: 0.05, genderAfter: 0.89).Word.Should().Be(Verdict.NotSupported, "the gender direction itself does nothing");
    }

    [Test]
    public void CorrelatedFeatures_reports_the_bias_per_cue_group_and_per_confidence_bin()
    {
        var rows = new Rows().Baseline(0.9).Baseline(0.3, "gender-attributes").Baseline(0.5, "gender-cues").Fit("gender").Fit("hair", "gender-attributes").Fit("together", k: 2)
            .Bias("gender", Project, 0.5).Bias("gender", Project, 0.25, "gender-attributes").Bias("together", Project, 0.05, "gender-attributes").Bias("gender", Project, 0.4, "gender-cues")
            .Add("none", "none", MetricNames.PronounBias, 0.4, "gender-cues", label: "cue=2").Add("gender", Project, MetricNames.PronounBias, 0.3, "gender-cues", label: "cue=2")
            .Add("none", "none", MetricNames.PronounBias, 0.8, "gender-cues", label: "confidence=3").Add("gender", Project, MetricNames.PronounBias, 0.6, "gender-cues", label: "confidence=3");
        var labels = new RunLabels(new Dictionary<string, MethodLabel>
        {
            ["gender"] = new("leace", "gender"),
            ["hair"] = new("leace", "gender-attributes") { Cue = "hair" },
            ["together"] = new("union", "gender") { Of = ["gender", "hair"] },
        }, EditKinds) { EditStrengths = Strengths };
        var evidence = new CorrelatedFeaturesRule().Decide(rows.List, labels).Evidence;
        evidence.Should().Contain("gpt2: gender-cues bias by cues, unedited -> gender projected out (relative drop): cue=2 0.400 -> 0.300 (-0.250)", "a bin is not a cue")
            .And.Contain("gpt2: gender-cues bias by the unedited model's confidence (1 = least confident), unedited -> gender projected out (relative drop): confidence=3 0.800 -> 0.600 (-0.250)");
        evidence.Should().NotContain(e => e.Contains("gender-attributes bias by the unedited"), "gender-attributes has no bins here");
    }

    /// Ten subsets of `unrelated`: the adversarial entry breaks `broken` of them on their own prompts
    /// (logit difference 8 -> `after`, beyond the null), the others stay within the null; the gender
    /// reference moves its own prompts' logit difference 5 -> 0.5 (relative change -0.9).
    private static Rows Subsets(int broken, double after)
    {
        var rows = new Rows().Logit("none", "none", 5).Fit("adversarial@gender", "gender").Fit("random", "unrelated")
            .Logit("adversarial@gender", Project, 0.5);
        rows.Logit("none", "none", 8, "unrelated");
        for (int k = 0; k < 10; k++)
        {
            var split = PromptSubsets.SplitName(k);
            rows.FitSubset("adversarial", k).Logit("none", "none", 8, "unrelated", split: split)
                .Logit($"adversarial(subset={k})", Project, k < broken ? after : 7.9, "unrelated", rank: k < broken ? 0.01 : 0.6, split: split)
                .Logit($"adversarial(subset={k})", Project, 7.95, "unrelated", rank: 0.7);
        }
        return rows;
    }

    [Test]
    public void RandomBreakage()
    {
        var verdict = Decide(new RandomBreakageRule(), Subsets(broken: 8, after: 1));
        verdict.Word.Should().Be(Verdict.Supported, "most subsets broken, by a median -0.875 against half of the gender direction's -0.9");
        verdict.Methods.Select(m => m.Method).Should().Equal("adversarial@gender", "adversarial");
        verdict.Methods[1].Checks[0].Line.Should().StartWith($"{Project}: 8 of 10 subsets broken on their own ten prompts");
        verdict.Evidence.Should().Contain(e => e.StartsWith($"adversarial {Project}: held-out damage (beyond the null) on 0 of 10 subsets on unrelated/test", StringComparison.Ordinal));

        Decide(new RandomBreakageRule(), Subsets(broken: 5, after: 1)).Word.Should().Be(Verdict.NotSupported, "five of ten is not most");
        var small = Decide(new RandomBreakageRule(), Subsets(broken: 10, after: 6.5));
        small.Word.Should().Be(Verdict.NotSupported, "broken beyond the null, but a relative change of -0.19 is not about as much as -0.9");
        small.Methods[1].Checks[1].Line.Should().Contain("falls short of half of adversarial@gender's -0.900");
        Decide(new RandomBreakageRule(), Discussion()).Word.Should().Be(Verdict.Inconclusive, "no method was fitted on subsets");
    }

    [Test]
    public void Gradient()
    {
        var rows = new Rows().Baseline(0.9).Fit("gradient").Fit("rlace").Fit("probe")
            .Bias("gradient", Project, 0.8).Bias("rlace", Project, 0.5).Bias("probe", Project, 0.81);
        var verdict = Decide(new GradientRule(), rows);
        verdict.Word.Should().Be(Verdict.Supported, "projecting the gradient out lowers the bias beyond the null");
        verdict.Evidence.Should().Contain("the gradient lowers the bias less than rlace's: effect -0.100 [-0.120, -0.080] vs -0.400 [-0.420, -0.380]")
            .And.Contain("the gradient's effect is not distinguishable from probe's: effect -0.100 [-0.120, -0.080] vs -0.090 [-0.110, -0.070]");
    }

    [Test]
    public void OverdeterminedIsJudgedOnWhetherTheBiasHalves()
    {
        // Unedited 0.9: an edit halves the bias when its effect's interval lies below -0.45.
        Rows Case(double leace) => new Rows().Baseline(0.9)
            .Bias("none", "none", 0.8, "gender-cues").Add("none", "none", MetricNames.PronounBias, 0.6, "gender-cues", label: "cue=1").Add("none", "none", MetricNames.PronounBias, 0.95, "gender-cues", label: "cue=3")
            .Fit("leace").Bias("leace", "erase", leace).Bias("leace", "erase", 0.7, "gender-cues")
            .Add("leace", "erase", MetricNames.PronounBias, 0.25, "gender-cues", label: "cue=1").Add("leace", "erase", MetricNames.PronounBias, 0.9, "gender-cues", label: "cue=3")
            .Fit("inlp(iterations=1)").Bias("inlp(iterations=1)", "erase", 0.85)
            .Fit("inlp(iterations=4)", k: 4).Bias("inlp(iterations=4)", "erase", 0.3)
            .Fit("inlp(iterations=16)", k: 16).Bias("inlp(iterations=16)", "erase", 0.1)
            .Fit("random").Bias("random", "erase", 0.88)
            .Add("none", "none", MetricNames.ProbeAccuracy, 0.95).Add("none", "none", MetricNames.MlpProbeAccuracy, 0.97).Add("none", "none", MetricNames.ProbeMajority, 0.5, halfWidth: 0)
            .Probe("leace", "erase", 0.5).Add("leace", "erase", MetricNames.MlpProbeAccuracy, 0.7);
        var verdict = Decide(new OverdeterminedRule(), Case(0.85));
        verdict.Word.Should().Be(Verdict.Supported, "LEACE leaves 0.85 of 0.9");
        verdict.Methods.Select(m => m.Method).Should().BeEquivalentTo(["leace", "inlp(iterations=1)", "inlp(iterations=4)", "inlp(iterations=16)"], "the random control is not judged");
        Word(verdict, "inlp(iterations=4)").Should().Be(Verdict.NotSupported, "0.3 is below half of 0.9");
        verdict.Methods.Single(m => m.Method == "leace").Line.Should().Be(
            "leace: supported (gpt2, 1 direction(s): bias 0.900 -> 0.850, effect -0.050 [-0.070, -0.030] > -0.450 (half the bias); null rank 0.010 of 100)");
        verdict.Evidence.Should().Contain("gpt2: gender (bias 0.900): fewest directions halving the bias: leace none of 1, inlp 4 of 1/4/16")
            .And.Contain("gpt2: gender-cues cue=1 (bias 0.600): fewest directions halving the bias: leace 1 of 1, inlp none of 1/4/16", "LEACE halves the one-cue prompts; INLP has no rows there")
            .And.Contain("gpt2: gender-cues cue=3 (bias 0.950): fewest directions halving the bias: leace none of 1, inlp none of 1/4/16")
            .And.Contain("gpt2: retrained probes' held-out accuracy, unedited: linear 0.950 [0.930, 0.970], mlp 0.970 [0.950, 0.990] (majority 0.500); after leace: linear 0.500 [0.460, 0.540], mlp 0.700 [0.680, 0.720] (majority 0.500)");

        Decide(new OverdeterminedRule(), Case(0.4)).Word.Should().Be(Verdict.NotSupported, "LEACE alone halves the bias");
        Decide(new OverdeterminedRule(), Case(0.46)).Word.Should().Be(Verdict.NotSupported, "an interval reaching half the bias does not show that more than half is left");
        var twoModels = Case(0.85);
        twoModels.Model = "gpt2-nodropout";
        twoModels.Baseline(0.9).Fit("leace").Bias("leace", "erase", 0.3);
        Word(Decide(new OverdeterminedRule(), twoModels), "leace").Should().Be(Verdict.NotSupported, "a method is judged on every model: the second one's bias halves");
    }

    [Test]
    public void ProbeSubspace()
    {
        Rows Case(double kept, double removed) => new Rows().Add("none", "none", MetricNames.ProbeAccuracy, 0.99).Fit("probe")
            .Probe("probe", "keep", kept).Probe("probe", Project, removed);
        Decide(new ProbeSubspaceRule(), Case(0.97, 0.9)).Word.Should().Be(Verdict.Supported);
        Decide(new ProbeSubspaceRule(), Case(0.97, 0.53)).Word.Should().Be(Verdict.NotSupported, "removing it brings the probe to chance");
    }

    [Test]
    public void CollateralDamageComparesTextWithoutTheFlipAndASwapWithItsPartner()
    {
        const string unflipped = ResultRow.UnflippedTextSplit, text = ResultRow.TextSplit;
        Rows Case(double partnerDivergence, double reflectedBias = -0.5) => new Rows().Baseline(0.9).Baseline(0.8, "controls").Fit("rlace")
            .Bias("rlace", Project, 0.5).Bias("rlace", Reflect, reflectedBias)
            .Add("rlace", Project, MetricNames.KlDamage, 0.02, split: unflipped, halfWidth: 0.005).Add("rlace", Project, MetricNames.KlDamage, 0.001, "controls", split: text, halfWidth: 0.0005)
            .Add("rlace", Reflect, MetricNames.KlDamage, 0.05, split: unflipped, halfWidth: 0.01).Add("rlace", Reflect, MetricNames.KlDamage, 0.002, "controls", split: text, halfWidth: 0.001)
            // the last-position KL on gender prompts counts the flip: the rule does not read it
            .Add("rlace", Project, MetricNames.KlDamage, 3, halfWidth: 0.5).Add("rlace", Project, MetricNames.KlDamage, 0.1, "controls", halfWidth: 0.05)
            .Add("rlace", Reflect, MetricNames.PartnerDivergence, partnerDivergence, halfWidth: 0.5).Add("rlace", Reflect, MetricNames.GenerationDivergence, 5, "controls", halfWidth: 0.5);
        var verdict = Decide(new CollateralDamageRule(), Case(partnerDivergence: 2));
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Methods.Single().Checks.Should().HaveCount(3);
        verdict.Methods.Single().Checks[0].Line.Should().Be($"{Project}: kl_damage 0.020 [0.015, 0.025] on gender text (unflipped) > 0.001 [0.0005, 0.0015] on controls text");
        Decide(new CollateralDamageRule(), Case(partnerDivergence: 7)).Word.Should().Be(Verdict.NotSupported, "the swapped prompts follow their partners longer than control prompts follow themselves");
        var noSwap = Decide(new CollateralDamageRule(), Case(partnerDivergence: 1, reflectedBias: 0.8));
        noSwap.Methods.Single().Checks.Should().HaveCount(2, "a reflection that does not swap has no partner to follow");
        noSwap.Evidence.Should().Contain(e => e.Contains("does not swap"));
        var noText = new Rows().Baseline(0.9).Baseline(0.8, "controls").Fit("rlace").Add("rlace", Project, MetricNames.KlDamage, 3);
        Decide(new CollateralDamageRule(), noText).Word.Should().Be(Verdict.Inconclusive, "without text there is nothing to compare once the flip is discounted");
    }

    [Test]
    public void SwapComparesDamagePerUnitOfEditSizeAndTheMoveTowardThePartner()
    {
        var rows = new Rows().Baseline(0.87).Baseline(0.8, "controls").Fit("rlace")
            .Bias("rlace", Reflect, -0.3).Bias("rlace", Project, 0.5)
            .Add("none", "none", MetricNames.PartnerKl, 4.8, halfWidth: 0.5).Add("rlace", Reflect, MetricNames.PartnerKl, 0.1, halfWidth: 0.05)
            .Add("rlace", Reflect, MetricNames.KlDamage, 0.002, "controls", halfWidth: 0.0005).Add("rlace", Project, MetricNames.KlDamage, 0.0005, "controls", halfWidth: 0.0002)
            .Add("rlace", Reflect, MetricNames.KlPerEditSize, 0.0002, "controls", halfWidth: 0.00005).Add("rlace", Project, MetricNames.KlPerEditSize, 0.00015, "controls", halfWidth: 0.00005);
        var verdict = Decide(new SwapRule(), rows);
        verdict.Word.Should().Be(Verdict.Supported, "per unit of edit size the reflection damages no more than the projection, though its raw KL is 4x");
        var checks = verdict.Methods.Single().Checks;
        checks.Select(c => c.Word).Should().Equal(Verdict.Supported, Verdict.Supported, Verdict.Supported);
        checks[1].Line.Should().StartWith($"{Reflect}: partner_kl 4.800 -> 0.100, effect -4.700");
        checks[2].Line.Should().StartWith("kl_damage_per_edit_size on controls:").And.EndWith("(raw kl_damage 0.002 vs 0.0005)");
    }

    [Test]
    public void BreakVsEditReadsDamagePerUnitOfBiasChangeOfBothEdits()
    {
        Rows Case(double reflected, double projectRank = 0.01) => new Rows().Baseline(0.9).Baseline(0.8, "controls").Fit("rlace").Fit("adversarial")
            .Bias("rlace", Project, 0.5, rank: projectRank).Bias("rlace", Reflect, -0.8).Bias("adversarial", Project, -0.2)
            .Add("rlace", Project, MetricNames.KlPerBiasChange, 0.001, "controls", halfWidth: 0.0002)
            .Add("rlace", Reflect, MetricNames.KlPerBiasChange, reflected, "controls", halfWidth: 0.0002)
            .Add("adversarial", Project, MetricNames.KlPerBiasChange, 0.01, "controls", halfWidth: 0.002)
            .Add("rlace", Project, MetricNames.KlPerBiasChange, 0.0001, "controls", split: "text", halfWidth: 0.00002)
            .Add("rlace", Reflect, MetricNames.KlPerBiasChange, reflected / 10, "controls", split: "text", halfWidth: 0.00002);
        var verdict = Decide(new BreakVsEditRule(), Case(0.002));
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Methods.Single().Checks.Select(c => c.Line[..c.Line.IndexOf(':')]).Should().Equal(["controls/test", "controls/text"], "every dataset and split is a check");
        verdict.Methods.Select(m => m.Method).Should().Equal(["rlace"], "the adversarial direction is the reference, not judged");
        verdict.Evidence.Should().Contain(e => e.StartsWith($"rlace vs adversarial, {Project}, controls/test: kl_damage_per_bias_change 0.010 [0.008, 0.012] on adversarial >"));
        Decide(new BreakVsEditRule(), Case(0.0011)).Word.Should().Be(Verdict.NotSupported, "the intervals overlap");
        Decide(new BreakVsEditRule(), Case(0.002, projectRank: 0.4)).Word.Should().Be(Verdict.Inconclusive, "the projection's bias change is within the null");
    }

    [Test]
    public void CrossConcept()
    {
        // The gender edit's KL on politics (0.05 ± 0.01) beats the null and the controls' KL
        // (0.002 ± 0.001); the politics edit's KL on gender is within the null.
        Rows Case(double politicsKl, double rank = 0.01) => new Rows().Baseline(0.9).Baseline(0.8, "politics")
            .Fit("probe").Fit("probe@politics", "politics")
            .Add("none", "none", MetricNames.KlDamage, 0, halfWidth: 0).Add("none", "none", MetricNames.KlDamage, 0, "politics", halfWidth: 0)
            .Add("none", "none", MetricNames.KlDamage, 0, "controls", halfWidth: 0)
            .Bias("probe", Reflect, 0.1)
            .Add("probe", Reflect, MetricNames.KlDamage, 0.4, halfWidth: 0.05)
            .Add("probe", Reflect, MetricNames.KlDamage, politicsKl, "politics", halfWidth: 0.01, rank: rank)
            .Add("probe", Reflect, MetricNames.KlDamage, 0.002, "controls", halfWidth: 0.001)
            .Add("probe@politics", Reflect, MetricNames.KlDamage, 0.2, "politics", halfWidth: 0.05)
            .Add("probe@politics", Reflect, MetricNames.KlDamage, 0.01, halfWidth: 0.005, rank: 0.3)
            .Add("probe@politics", Reflect, MetricNames.KlDamage, 0.003, "controls", halfWidth: 0.001);
        var verdict = Decide(new CrossConceptRule(), Case(0.05));
        Word(verdict, "probe").Should().Be(Verdict.Supported);
        verdict.Methods[0].Checks.Select(c => c.Line).Should().Equal(
            $"{Reflect} on politics: kl_damage effect 0.050 [0.040, 0.060] > 0.000; null rank 0.010 <= 0.050",
            $"{Reflect}: kl_damage 0.050 [0.040, 0.060] on politics > 0.002 [0.001, 0.003] on controls");
        Word(verdict, "probe@politics").Should().Be(Verdict.NotSupported, "its KL on gender is within the null");
        verdict.Word.Should().Be(Verdict.Mixed, "no RLACE ran and the two methods disagree");
        Word(Decide(new CrossConceptRule(), Case(0.05, rank: 0.2)), "probe").Should().Be(Verdict.NotSupported, "a random direction damages politics as much");
        Word(Decide(new CrossConceptRule(), Case(0.0025)), "probe").Should().Be(Verdict.NotSupported, "no more damage than on the controls");
        var noControls = Case(0.05).List.Where(r => r.Dataset != "controls").ToList();
        new CrossConceptRule().Decide(noControls, Case(0.05).Labels).Word.Should().Be(Verdict.Inconclusive);
        // A person-free cut of politics is another concept for the gender edit, and the politics
        // edit's own concept (its damage there is intended, not crossed).
        var noperson = Case(0.05).Add("none", "none", MetricNames.KlDamage, 0, "politics-noperson", halfWidth: 0).Add("probe", Reflect, MetricNames.KlDamage, 0.03, "politics-noperson", halfWidth: 0.01, rank: 0.02)
            .Add("probe@politics", Reflect, MetricNames.KlDamage, 0.3, "politics-noperson", halfWidth: 0.05, rank: 0.01);
        var crossed = Decide(new CrossConceptRule(), noperson);
        crossed.Methods[0].Checks.Select(c => c.Line).Should().Contain(l => l.StartsWith($"{Reflect} on politics-noperson: kl_damage effect 0.030"));
        crossed.Methods.Single(m => m.Method == "probe@politics").Checks.Should().NotContain(c => c.Line.Contains("politics-noperson"));
        Word(crossed, "probe@politics").Should().Be(Verdict.NotSupported);
    }

    [Test]
    public void LayerSweep()
    {
        var rows = new Rows();
        foreach (var (l, reflect) in new[] { (0, 0.89), (1, 0.3), (2, 0.6) })
        {
            rows.Site = $"blocks.{l}.hook_resid_post";
            rows.Baseline(0.9).Fit("rlace").Bias("rlace", Reflect, reflect).Bias("rlace", Amplify, 0.92);
        }
        var verdict = Decide(new LayerSweepRule(), rows);
        verdict.Word.Should().Be(Verdict.NotSupported, "at blocks.0 the reflection's effect [-0.03, 0.01] reaches 0");
        verdict.Evidence[0].Should().Be("largest drop under reflect(centre=median): effect -0.600 at blocks.1.hook_resid_post (rlace)");
    }

    [Test]
    public void LayerSweepReadsAlterRepPerLabelWhicheverSideEachSignPushesTo()
    {
        const string plus = "alterrep(alpha=1, sign=1)", minus = "alterrep(alpha=1, sign=-1)";
        Rows Case(double femaleUnderMinus)
        {
            var rows = new Rows().Baseline(0.9).Fit("inlp(iterations=8)", k: 8).Bias("inlp(iterations=8)", Reflect, 0.3);
            rows.Add("none", "none", MetricNames.PronounBias, 0.9, label: "female").Add("none", "none", MetricNames.PronounBias, 0.9, label: "male");
            foreach (var (edit, female, male) in new[] { (plus, 0.9, 0.1), (minus, femaleUnderMinus, 0.92) })
                rows.Bias("inlp(iterations=8)", edit, (female + male) / 2)
                    .Add("inlp(iterations=8)", edit, MetricNames.PronounBias, female, label: "female").Add("inlp(iterations=8)", edit, MetricNames.PronounBias, male, label: "male");
            return rows;
        }
        var verdict = Decide(new LayerSweepRule(), Case(femaleUnderMinus: 0.2));
        verdict.Word.Should().Be(Verdict.Supported, "sign +1 lowers the male prompts' bias, sign -1 the female ones'");
        verdict.Methods.Single().Checks[^1].Line.Should().StartWith($"blocks.6.hook_resid_post {plus} lowers male (female effect 0.000");
        Decide(new LayerSweepRule(), Case(femaleUnderMinus: 0.9)).Word.Should().Be(Verdict.NotSupported, "sign -1 lowers no label");
    }

    [Test]
    public void Leace()
    {
        Rows Case(double leaceKl)
        {
            var rows = new Rows().Baseline(0.9).Baseline(0.95, "controls").Fit("leace").Fit("rlace");
            foreach (var (m, acc, kl) in new[] { ("leace", 0.51, leaceKl), ("rlace", 0.7, 0.05) })
                rows.Bias(m, "erase", 0.4).Probe(m, "erase", acc).Add(m, "erase", MetricNames.KlDamage, kl, "controls", halfWidth: 0.01);
            return rows;
        }
        var verdict = Decide(new LeaceRule(), Case(0.01));
        verdict.Word.Should().Be(Verdict.Supported);
        Word(verdict, "rlace").Should().Be(Verdict.NotSupported, "its retrained probe, 0.70 [0.66, 0.74], is above chance");
        Decide(new LeaceRule(), Case(0.2)).Word.Should().Be(Verdict.NotSupported, "more damage than RLACE");
    }
}
