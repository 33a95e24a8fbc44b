using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// The verdict rules on hand-made rows: the discussion's GPT-2 numbers, their opposites, and
/// missing rows.
public class VerdictRuleTests
{
    private sealed class Rows
    {
        public List<ResultRow> List { get; } = new();
        public string Model { get; set; } = "gpt2";
        public string Site { get; set; } = "blocks.6.hook_resid_post";

        public Rows Add(string method, string edit, string metric, double value, string dataset = "gender", string split = "test")
        {
            List.Add(new ResultRow("x", Model, Site, method, edit, dataset, split, metric, value));
            return this;
        }

        public Rows Fit(string method, string dataset = "gender", int k = 1) => Add(method, "fit", MetricNames.Directions, k, dataset, "train");
        public Rows Bias(string method, string edit, double value, string dataset = "gender") => Add(method, edit, MetricNames.PronounBias, value, dataset);
        public Rows Baseline(double bias, string dataset = "gender") => Bias("none", "none", bias, dataset);
    }

    private const string Project = "project(centre=median)", Reflect = "reflect(centre=median)", Amplify = "amplify(centre=median)";

    /// The discussion's numbers on GPT-2 (RLACE and the probe).
    private static Rows Discussion() => new Rows().Baseline(0.87)
        .Fit("rlace").Fit("probe").Fit("random")
        .Bias("rlace", Project, 0.73).Bias("probe", Project, 0.82).Bias("random", Project, 0.87)
        .Bias("rlace", Reflect, -0.29).Bias("probe", Reflect, 0.68).Bias("random", Reflect, 0.87)
        .Bias("rlace", Amplify, 0.83).Bias("probe", Amplify, 0.90).Bias("random", Amplify, 0.87);

    [Test]
    public void EveryHypothesisHasARuleWithAUniqueName()
    {
        VerdictRules.All.Select(r => r.Name).Should().Equal("Projection", "Swap", "Amplify", "Dropout", "RandomBreakage", "Gradient",
            "Overdetermined", "ProbeSubspace", "CollateralDamage", "CrossConcept", "LayerSweep", "Leace");
        VerdictRules.Find("swap").Should().BeOfType<SwapRule>();
    }

    [Test]
    public void TheDiscussionsNumbers()
    {
        var rows = Discussion().List;
        var projection = new ProjectionRule().Decide(rows);
        projection.Word.Should().Be(Verdict.Supported);
        projection.Evidence.Should().Contain("rlace: bias 0.870 -> 0.730 (drop 0.140 > 0.020)").And.Contain("random (control): bias 0.870 -> 0.870 (drop 0.000)");
        var swap = new SwapRule().Decide(rows);
        swap.Word.Should().Be(Verdict.Mixed);
        swap.Evidence.Should().Contain("rlace: bias 0.870 -> -0.290 (inverted)").And.Contain("probe: bias 0.870 -> 0.680 (not inverted)");
        new AmplifyRule().Decide(rows).Word.Should().Be(Verdict.Mixed);
    }

    [Test]
    public void NoEffectIsNotSupported()
    {
        var rows = new Rows().Baseline(0.8).Fit("probe").Bias("probe", Project, 0.8).Bias("probe", Reflect, 0.5).Bias("probe", Amplify, 0.7).List;
        new ProjectionRule().Decide(rows).Word.Should().Be(Verdict.NotSupported);
        new SwapRule().Decide(rows).Word.Should().Be(Verdict.NotSupported);
        new AmplifyRule().Decide(rows).Word.Should().Be(Verdict.NotSupported);
    }

    [Test]
    public void MissingRowsAreInconclusive()
    {
        var rows = new Rows().Baseline(0.8).Fit("probe").Bias("probe", Project, 0.5).List;
        var swap = new SwapRule().Decide(rows);
        swap.Word.Should().Be(Verdict.Inconclusive);
        swap.Evidence.Single().Should().Be("missing results: no reflect edit");
        new DropoutRule().Decide(rows).Word.Should().Be(Verdict.Inconclusive);
        new LeaceRule().Decide(rows).Word.Should().Be(Verdict.Inconclusive);
        new ProjectionRule().Decide([]).Word.Should().Be(Verdict.Inconclusive);
    }

    [Test]
    public void Dropout()
    {
        var rows = new Rows { Model = "gpt2-dropout" }.Baseline(0.9).Fit("rlace").Bias("rlace", Project, 0.85);
        rows.Model = "gpt2-nodropout";
        rows.Baseline(0.9).Fit("rlace").Bias("rlace", Project, 0.5);
        var verdict = new DropoutRule().Decide(rows.List);
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Evidence.Single().Should().Be("rlace: bias drop 0.050 with dropout (gpt2-dropout) vs 0.400 without (gpt2-nodropout)");
    }

    [Test]
    public void RandomBreakage()
    {
        var rows = new Rows().Baseline(0.9, "random").Baseline(0.95, "gender")
            .Fit("probe", "random").Fit("probe@gender", "gender").Fit("random", "random")
            .Bias("probe", Reflect, 0.3, "random").Bias("probe@gender", Reflect, 0.2, "gender").Bias("random", Reflect, 0.85, "random")
            .Bias("probe", Reflect, 0.9, "gender").Bias("probe@gender", Reflect, 0.9, "random").Bias("random", Reflect, 0.95, "gender").List;
        new RandomBreakageRule().Decide(rows).Word.Should().Be(Verdict.Supported);
    }

    [Test]
    public void Gradient()
    {
        var rows = new Rows().Baseline(0.9).Fit("gradient").Fit("rlace").Fit("probe")
            .Bias("gradient", Project, 0.8).Bias("rlace", Project, 0.5).Bias("probe", Project, 0.7).List;
        var verdict = new GradientRule().Decide(rows);
        verdict.Word.Should().Be(Verdict.NotSupported);
        verdict.Evidence.Should().Contain("gradient / best = 0.250 (supported >= 0.8, not supported < 0.5)");
    }

    [Test]
    public void Overdetermined()
    {
        var rows = new Rows().Baseline(0.9).Add("none", "none", MetricNames.ProbeAccuracy, 1.0);
        foreach (var (k, acc, bias) in new[] { (1, 0.95, 0.85), (2, 0.8, 0.6), (4, 0.52, 0.3) })
            rows.Fit($"inlp(iterations={k})", k: k).Bias($"inlp(iterations={k})", "erase", bias)
                .Add($"inlp(iterations={k})", "erase", MetricNames.ProbeAccuracy, acc).Add($"inlp(iterations={k})", "erase", MetricNames.ProbeMajority, 0.5);
        var verdict = new OverdeterminedRule().Decide(rows.List);
        verdict.Word.Should().Be(Verdict.Supported);
        verdict.Evidence[^1].Should().Be("probe at chance after 4 direction(s); bias halved after 4");
    }

    [Test]
    public void ProbeSubspace()
    {
        var rows = new Rows().Add("none", "none", MetricNames.ProbeAccuracy, 0.99).Fit("probe")
            .Add("probe", "keep", MetricNames.ProbeAccuracy, 0.97)
            .Add("probe", Project, MetricNames.ProbeAccuracy, 0.9).Add("probe", Project, MetricNames.ProbeMajority, 0.5).List;
        new ProbeSubspaceRule().Decide(rows).Word.Should().Be(Verdict.Supported);
    }

    [Test]
    public void CollateralDamage()
    {
        var rows = new Rows().Fit("rlace")
            .Add("rlace", Project, MetricNames.KlDamage, 0.3).Add("rlace", Project, MetricNames.KlDamage, 0.01, "controls")
            .Add("rlace", Project, MetricNames.PronounBias, 0.5).Add("rlace", Project, MetricNames.PronounBias, 0.9, "controls")
            .Add("rlace", Project, MetricNames.GenerationDivergence, 1.5).Add("rlace", Project, MetricNames.GenerationDivergence, 7, "controls").List;
        new CollateralDamageRule().Decide(rows).Word.Should().Be(Verdict.Supported);
    }

    [Test]
    public void CrossConcept()
    {
        var rows = new Rows().Baseline(0.9).Baseline(0.8, "politics").Fit("probe").Fit("probe@politics", "politics")
            .Bias("probe", Reflect, 0.1).Bias("probe", Reflect, 0.78, "politics")
            .Bias("probe@politics", Reflect, 0.2, "politics").Bias("probe@politics", Reflect, 0.5).List;
        var verdict = new CrossConceptRule().Decide(rows);
        verdict.Word.Should().Be(Verdict.Mixed);
        verdict.Evidence.Should().Contain("probe@politics reflect(centre=median): bias change -0.600 on politics vs -0.400 on gender (not specific)");
    }

    [Test]
    public void LayerSweep()
    {
        var rows = new Rows();
        foreach (var (l, reflect) in new[] { (0, 0.88), (1, 0.3), (2, 0.6) })
        {
            rows.Site = $"blocks.{l}.hook_resid_post";
            rows.Baseline(0.9).Fit("probe").Bias("probe", Reflect, reflect).Bias("probe", Amplify, 0.92);
        }
        var verdict = new LayerSweepRule().Decide(rows.List);
        verdict.Word.Should().Be(Verdict.Mixed);
        verdict.Evidence[^1].Should().Be("largest drop 0.600 at blocks.1.hook_resid_post (probe); 2 of 3 site-method pairs behave as claimed");
    }

    [Test]
    public void Leace()
    {
        var rows = new Rows().Baseline(0.9).Fit("leace").Fit("rlace");
        foreach (var (m, acc, kl) in new[] { ("leace", 0.51, 0.01), ("rlace", 0.7, 0.05) })
            rows.Bias(m, "erase", 0.4).Add(m, "erase", MetricNames.ProbeAccuracy, acc).Add(m, "erase", MetricNames.ProbeMajority, 0.5)
                .Add(m, "erase", MetricNames.KlDamage, kl, "controls").Bias(m, "erase", 0.9, "controls");
        rows.Baseline(0.95, "controls");
        new LeaceRule().Decide(rows.List).Word.Should().Be(Verdict.Supported);
    }
}
