using Harness.Experiments;
using Hypotheses.Snapshots;
using Newtonsoft.Json.Linq;

namespace Hypotheses;

/// Tests of the snapshot tolerances: a change below a metric's tolerance passes, one above fails,
/// counts and words stay exact, and an update rewrites only what moved. Like SnapshotMechanismTests,
/// each test works in its own temporary root (no [Property("Hypothesis")]).
public class SnapshotToleranceTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hypotheses-tolerances-").FullName;

    [TearDown]
    public void DeleteRoot()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private SnapshotSettings Settings(bool ci = true, bool update = false) =>
        new() { Root = _root, Model = HypothesisModel.FromName("gpt2"), Ci = ci, Update = update };

    private string SnapshotFile => Path.Combine(_root, "snapshots", "gpt2", "Demo.json");

    private const string Where = "gpt2 | blocks.6.hook_resid_post | rlace | reflect(centre=median) | gender | test | ";

    private static HypothesisSnapshot Result(params (string Metric, double Value)[] metrics) =>
        new("supported", new SortedDictionary<string, string>(StringComparer.Ordinal) { ["rlace"] = "supported" }, new SortedDictionary<string, SnapshotRow>(metrics.ToDictionary(m => Where + m.Metric, m => Row(m.Value)), StringComparer.Ordinal));

    private static SnapshotRow Row(double value, double? ciLow = null) => new(value, null, ciLow, null, null, null, null);

    private SnapshotOutcome Store(HypothesisSnapshot result)
    {
        var created = MetricSnapshot.Check("Demo", result, Settings(ci: false));
        created.Status.Should().Be(SnapshotStatus.Created);
        return created;
    }

    private SnapshotOutcome Rerun(HypothesisSnapshot result) => MetricSnapshot.Check("Demo", result, Settings());

    [Test]
    public void Every_metric_the_harness_writes_has_a_declared_tolerance()
    {
        SnapshotTolerances.Default.ByKind.Keys.Should().BeEquivalentTo(MetricNames.All.Append(SnapshotTolerances.NullRank),
            "a new metric must say how much it may move across machines (SnapshotTolerances.Default)");
    }

    [TestCase("gpt2 | blocks.0.hook_resid_pre | none | none | gender | test | pronoun_bias", "pronoun_bias")]
    [TestCase("Bias", "Bias")]
    [TestCase("a | b", "b")]
    public void A_numbers_kind_is_its_metric(string name, string kind)
    {
        SnapshotTolerances.KindOf(name).Should().Be(kind);
    }

    // The machine-to-machine differences that broke the suite before tolerances: each value moved
    // across a rounding boundary by a last-digit amount (0.86 -> 0.859, 0.0007 -> 0.0008).
    [TestCase("probe_accuracy", 0.86049, 0.85949)]
    [TestCase("pronoun_bias", 0.76751, 0.76749)]
    [TestCase("kl_damage", 0.000749, 0.000751)]
    public void A_value_that_crosses_a_rounding_boundary_by_float_noise_still_matches(string metric, double stored, double rerun)
    {
        Store(Result((metric, stored)));
        var outcome = Rerun(Result((metric, rerun)));
        outcome.Status.Should().Be(SnapshotStatus.Matched, outcome.Message);
    }

    [TestCase("pronoun_bias", 0.944)]
    [TestCase("logit_diff", 5.56)]
    [TestCase("kl_damage", 0.205)]
    [TestCase("kl_damage", 0.0007)]
    [TestCase("probe_accuracy", 0.859)]
    [TestCase("perplexity", 3.7)]
    [TestCase("generation_divergence", 6.5)]
    [TestCase("confusion", -2.4)]
    public void A_change_below_tolerance_passes_and_one_above_fails(string metric, double value)
    {
        var tolerances = SnapshotTolerances.Default;
        var rounding = SnapshotRounding.Default;
        var stored = rounding.Round(value);
        var allowed = tolerances.For(metric).Allowed(stored);
        Store(Result((metric, stored)));
        var text = File.ReadAllText(SnapshotFile);

        Rerun(Result((metric, stored + 0.9 * allowed))).Status.Should().Be(SnapshotStatus.Matched);
        Rerun(Result((metric, stored - 0.9 * allowed))).Status.Should().Be(SnapshotStatus.Matched);

        // Beyond the tolerance and the rounding of the stored value, it fails and says by how much.
        var moved = stored + allowed + rounding.HalfStep(stored) + Math.Max(1e-6, 0.1 * allowed);
        var outcome = Rerun(Result((metric, moved)));
        outcome.Status.Should().Be(SnapshotStatus.Mismatched);
        outcome.Message.Should().Contain($"| {metric}.value: ").And.Contain($"(tolerance {tolerances.For(metric)})");
        File.ReadAllText(SnapshotFile).Should().Be(text, "a mismatch never rewrites the snapshot");
    }

    [Test]
    public void The_tolerances_are_narrow_enough_to_see_changes_the_hypotheses_are_about()
    {
        // The smallest effects the verdicts speak of: a bias drop of 0.02 (Projection's margin), a
        // probe retrained to within 0.05 of chance, a KL of a working gender edit on controls.
        var t = SnapshotTolerances.Default;
        t.For(MetricNames.PronounBias).Allowed(0.9).Should().BeLessThan(0.02 / 2);
        t.For(MetricNames.ProbeAccuracy).Allowed(0.6).Should().BeLessThan(0.05 / 4);
        t.For(MetricNames.KlDamage).Allowed(0.001).Should().BeLessThan(0.001);
        t.For(MetricNames.GenerationDivergence).Allowed(8).Should().BeLessThan(1.0 / 16);
    }

    [Test]
    public void A_rows_interval_and_effect_are_compared_under_its_metrics_tolerance()
    {
        SnapshotTolerances.Default.KindWithin("pronoun_bias", "ci_low").Should().Be("pronoun_bias");
        SnapshotTolerances.Default.KindWithin("pronoun_bias", "null_high").Should().Be("pronoun_bias");
        SnapshotTolerances.Default.KindWithin("pronoun_bias", "null_rank").Should().Be("null_rank");
        SnapshotTolerances.Default.KindWithin("Metrics", Where + "kl_damage").Should().Be("kl_damage");
        var key = Where + "pronoun_bias";
        HypothesisSnapshot Bias(double ciLow) => new("supported", new(StringComparer.Ordinal), new(StringComparer.Ordinal) { [key] = Row(0.5, ciLow) });
        Store(Bias(0.4));
        Rerun(Bias(0.4 + 0.0015)).Status.Should().Be(SnapshotStatus.Matched, "0.0015 is within pronoun_bias's 0.002");
        var outcome = Rerun(Bias(0.4 + 0.003));
        outcome.Status.Should().Be(SnapshotStatus.Mismatched);
        outcome.Message.Should().Contain("ci_low").And.Contain("(tolerance ±0.002)");
    }

    [Test]
    public void Counts_are_stored_unrounded_and_compared_exactly()
    {
        Store(Result(("directions", 12346)));
        JObject.Parse(File.ReadAllText(SnapshotFile))["result"]!["Metrics"]![Where + "directions"]!["value"]!.Value<double>()
            .Should().Be(12346, "a count is not a display value: 4 significant digits would store 12350");

        Rerun(Result(("directions", 12346))).Status.Should().Be(SnapshotStatus.Matched);
        Rerun(Result(("directions", 12347))).Status.Should().Be(SnapshotStatus.Mismatched);
    }

    [Test]
    public void Words_and_integers_are_exact_whatever_the_tolerances()
    {
        var result = new { Verdict = "supported", Prompts = 300, Bias = 0.5 };
        MetricSnapshot.Check("Demo", result, Settings(ci: false)).Status.Should().Be(SnapshotStatus.Created);

        Rerun2(new { Verdict = "mixed", Prompts = 300, Bias = 0.5 }).Message.Should().Contain("result.Verdict: \"supported\" -> \"mixed\"");
        Rerun2(new { Verdict = "supported", Prompts = 301, Bias = 0.5 }).Message.Should().Contain("result.Prompts: 300 -> 301");

        SnapshotOutcome Rerun2(object r)
        {
            var outcome = MetricSnapshot.Check("Demo", r, Settings());
            outcome.Status.Should().Be(SnapshotStatus.Mismatched);
            return outcome;
        }
    }

    [Test]
    public void A_missing_or_extra_metric_is_a_mismatch()
    {
        Store(Result(("pronoun_bias", 0.5), ("logit_diff", 2.0)));
        Rerun(Result(("pronoun_bias", 0.5))).Message.Should().Contain("logit_diff: {\"value\":2.0} -> (absent)");
        Rerun(Result(("pronoun_bias", 0.5), ("logit_diff", 2.0), ("kl_damage", 0.1))).Message.Should().Contain("kl_damage: (absent) -> {\"value\":0.1}");
    }

    [Test]
    public void An_update_rewrites_only_the_values_beyond_tolerance()
    {
        Store(Result(("pronoun_bias", 0.9440), ("logit_diff", 5.56)));

        var updated = MetricSnapshot.Check("Demo", Result(("pronoun_bias", 0.9446), ("logit_diff", 4.20)), Settings(ci: false, update: true));

        updated.Status.Should().Be(SnapshotStatus.Updated);
        var metrics = JObject.Parse(File.ReadAllText(SnapshotFile))["result"]!["Metrics"]!;
        metrics[Where + "pronoun_bias"]!["value"]!.Value<double>().Should().Be(0.944, "a value within tolerance keeps its stored text");
        metrics[Where + "logit_diff"]!["value"]!.Value<double>().Should().Be(4.2);
    }

    [Test]
    public void An_update_within_tolerance_leaves_the_file_alone()
    {
        Store(Result(("pronoun_bias", 0.9440)));
        var text = File.ReadAllText(SnapshotFile);

        var outcome = MetricSnapshot.Check("Demo", Result(("pronoun_bias", 0.9446)), Settings(ci: false, update: true));

        outcome.Status.Should().Be(SnapshotStatus.Matched);
        File.ReadAllText(SnapshotFile).Should().Be(text);
    }

    [TestCase(0.944, 0.00005)]
    [TestCase(5.56, 0.0005)]
    [TestCase(0.0007, 0.0000005)]
    [TestCase(0.0, 0.0000005)]
    [TestCase(1230.0, 0.5)]
    public void The_rounding_allowance_is_half_the_stored_values_last_digit(double stored, double half)
    {
        SnapshotRounding.Default.HalfStep(stored).Should().BeApproximately(half, 1e-12);
    }
}
