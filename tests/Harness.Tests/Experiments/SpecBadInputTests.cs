using Harness.Experiments;

namespace Harness.Tests.Experiments;

/// Bad experiment specs: each is refused before any model work with one line naming the file and
/// the field, name or argument at fault.
public class SpecBadInputTests
{
    private const string File = "experiments/bad.json";

    private static string Valid(string extra = "", string methods = """["leace"]""", string edits = """["project"]""", string metrics = """["pronoun_bias"]""", string sites = "\"sites\": [\"blocks.0.hook_resid_post\"]") =>
        "{\"name\": \"bad\", " + sites + ", \"concept\": {\"dataset\": \"gender\"}, \"methods\": " + methods +
        ", \"edits\": " + edits + ", \"metrics\": " + metrics + extra + "}";

    private static string Refused(string json)
    {
        var e = FluentActions.Invoking(() => ExperimentSpec.Parse(json, File)).Should().Throw<HarnessException>().Which;
        e.Message.Should().NotContain("\n").And.StartWith(File + ": ");
        return e.Message;
    }

    [Test]
    public void AValidSpecParses()
    {
        var spec = ExperimentSpec.Parse(Valid(), File);
        spec.Name.Should().Be("bad");
        spec.Methods.Single().Label.Should().Be("leace");
        spec.Edits.Single().Label.Should().Be("project(centre=median)", "centred edits default to the median centre");
        spec.Evaluate.Datasets.Should().Equal("gender");
    }

    [Test]
    public void UnknownTopLevelField() =>
        Refused(Valid(", \"metrix\": 3")).Should().Contain("unknown field 'metrix'").And.Contain("allowed: name, description");

    [Test]
    public void UnknownNestedField() =>
        Refused(Valid().Replace("{\"dataset\": \"gender\"}", "{\"dataset\": \"gender\", \"position\": \"all\"}"))
            .Should().Contain("unknown field 'concept.position'");

    [Test]
    public void FieldGivenTwice() =>
        Refused(Valid(", \"seed\": 1, \"seed\": 2")).Should().Contain("field 'seed' is given twice");

    [Test]
    public void UnknownMethod() =>
        Refused(Valid(methods: """["leace", "lace"]""")).Should().Be($"{File}: methods[1]: unknown method 'lace' (known: {string.Join(", ", DirectionMethods.Names)})");

    [Test]
    public void UnknownMethodOption() =>
        Refused(Valid(methods: """[{"method": "random", "rnak": 2}]""")).Should().Contain("methods[0]: 'rnak' is not an option of method random (options: rank, seed, affine, kind, directions, null_metrics)");

    [Test]
    public void BadMethodOptionValue()
    {
        Refused(Valid(methods: """[{"method": "random", "rank": 0}]""")).Should().Contain("methods[0]: option 'rank' must be an integer of at least 1, got '0'");
        Refused(Valid(methods: """[{"method": "random", "kind": "gaussian"}]""")).Should().Contain("methods[0]: option 'kind' must be one of isotropic, covariance, coordinates, got 'gaussian'");
        Refused(Valid(methods: """[{"method": "random", "directions": 0}]""")).Should().Contain("methods[0]: option 'directions' must be an integer from 1 to 10000, got '0'");
    }

    [Test]
    public void OracleLeaceIsRefusedWithTheReason() =>
        Refused(Valid(methods: """["oracle-leace"]""")).Should().Contain("method 'oracle-leace' cannot be used in an experiment");

    [Test]
    public void TwoMethodsWithTheSameLabel() =>
        Refused(Valid(methods: """[{"method": "random", "label": "r"}, {"method": "leace", "label": "r"}]""")).Should().Contain("two methods are both labelled 'r'");

    [Test]
    public void SameMethodTwiceIsLabelledByItsOptions()
    {
        var spec = ExperimentSpec.Parse(Valid(methods: """[{"method": "random", "rank": 1}, {"method": "random", "rank": 2}, "leace"]"""), File);
        spec.Methods.Select(m => m.Label).Should().Equal("random(rank=1)", "random(rank=2)", "leace");
        spec.Methods[0].Options.Int("seed").Should().Be(0, "seed options default to the spec's seed");
    }

    [Test]
    public void SeedsMakeOneMethodPerSeedUnderTheEntrysLabel()
    {
        var spec = ExperimentSpec.Parse(Valid(methods: """[{"method": "rlace", "max_steps": 10, "seeds": [3, 0]}, {"method": "inlp", "iterations": 2, "seeds": [1]}, {"method": "inlp", "iterations": 1}]"""), File);
        spec.Methods.Select(m => m.Label).Should().Equal("rlace(seed=3)", "rlace(seed=0)", "inlp(iterations=2,seed=1)", "inlp(iterations=1)");
        spec.Methods.Select(m => m.SeedGroup).Should().Equal("rlace", "rlace", "inlp(iterations=2)", null);
        spec.Methods.Select(m => m.Options.Int("seed")).Should().Equal(3, 0, 1, 0);
        spec.Methods[0].Options.Int("max_steps").Should().Be(10, "every seed keeps the entry's other options");
    }

    [Test]
    public void BadSeeds()
    {
        Refused(Valid(methods: """[{"method": "leace", "seeds": [0, 1]}]""")).Should().Contain("methods[0].seeds: method leace has no seed");
        Refused(Valid(methods: """[{"method": "rlace", "seed": 1, "seeds": [0, 1]}]""")).Should().Contain("methods[0]: give \"seed\" or \"seeds\", not both");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": [0, 0]}]""")).Should().Contain("methods[0].seeds lists 0 twice");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": []}]""")).Should().Contain("methods[0].seeds must not be empty");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": [-1]}]""")).Should().Contain("methods[0].seeds must hold integers");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": "0"}]""")).Should().Contain("methods[0].seeds must be a list");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": [0.5]}]""")).Should().Contain("methods[0].seeds must be a list of integers");
        Refused(Valid(methods: """[{"method": "rlace", "seeds": [0]}, {"method": "leace", "label": "rlace"}]""")).Should().Contain("two methods are both labelled 'rlace'");
    }

    [Test]
    public void AHypothesisSpecLackingWhatItsRuleReadsIsRefused()
    {
        Refused(Valid(", \"hypothesis\": \"Swap\"", methods: """["leace", {"method": "random", "directions": 10}]"""))
            .Should().Contain("hypothesis Swap needs an edit of kind reflect (edits: project(centre=median))");
        Refused(Valid(", \"hypothesis\": \"Projection\"")).Should().Contain("hypothesis Projection needs a null of random directions");
        Refused(Valid(", \"hypothesis\": \"Projection\"", methods: """[{"method": "random", "directions": 10}]""")).Should().Contain("needs a method other than random to judge");
        Refused(Valid(", \"hypothesis\": \"Gradient\"", methods: """["leace", {"method": "random", "directions": 10}]""")).Should().Contain("needs a method gradient (methods: leace, random)");
        Refused(Valid(", \"hypothesis\": \"Leace\"")).Should().Contain("needs the metric probe_accuracy (metrics: pronoun_bias)");
        Refused(Valid(", \"hypothesis\": \"CrossConcept\"", edits: """["reflect"]""", metrics: """["kl_damage"]""", methods: """["leace", {"method": "random", "directions": 10}]"""))
            .Should().Contain("needs methods fitted on 2 concepts (fitted on: gender)");
        Refused(Valid(", \"hypothesis\": \"CrossConcept\"", edits: """["reflect"]""", methods: """["leace", {"method": "random", "directions": 10}]"""))
            .Should().Contain("needs the metric kl_damage");
        ExperimentSpec.Parse(Valid(", \"hypothesis\": \"Projection\"", methods: """["leace", {"method": "random", "directions": 10}]"""), File).Hypothesis.Should().Be("Projection");
    }

    [Test]
    public void UnknownEdit() =>
        Refused(Valid(edits: """["project", "swap"]""")).Should().StartWith($"{File}: edits[1]: edit spec: unknown edit 'swap'");

    [Test]
    public void EditWithAnUnknownField() =>
        Refused(Valid(edits: """[{"edit": "reflect", "strength": 2}]""")).Should().Contain("edits[0]: edit 'reflect': unknown field 'strength'");

    [Test]
    public void EditFieldGivenTwice() =>
        Refused(Valid(edits: """[{"edit": "project", "edit": "reflect"}]""")).Should().Be($"{File}: edits[0]: field 'edit' is given twice");

    [Test]
    public void UnknownMetric() =>
        Refused(Valid(metrics: """["pronoun_bias", "accuracy"]""")).Should().Contain("unknown metric 'accuracy' (known: pronoun_bias, logit_diff");

    [Test]
    public void ADamagePerBiasChangeWithoutItsTwoMetrics() =>
        Refused(Valid(metrics: """["pronoun_bias", "kl_damage_per_bias_change"]"""))
            .Should().Contain("metric kl_damage_per_bias_change is a ratio of kl_damage to the change of pronoun_bias: list both");

    [Test]
    public void UnknownSite() =>
        Refused(Valid(sites: "\"sites\": [\"blocks.1.hook_resid_side\"]")).Should().Contain("unknown hook site 'blocks.1.hook_resid_side'");

    [Test]
    public void UnknownSiteKindInALayerSweep() =>
        Refused(Valid(sites: "\"layers\": {\"site\": \"resid_post\", \"layers\": \"all\"}")).Should().Contain("unknown site kind 'resid_post' in layers.site");

    [Test]
    public void SitesAndLayersTogether() =>
        Refused(Valid(extra: ", \"layers\": {\"site\": \"hook_resid_post\", \"layers\": \"all\"}")).Should().Contain("give either 'sites' or 'layers', not both");

    [Test]
    public void UnknownHypothesis() =>
        Refused(Valid(", \"hypothesis\": \"Swapp\"")).Should().Contain("unknown hypothesis 'Swapp' (known: Projection, Swap");

    [Test]
    public void BadEditPositions() =>
        Refused(Valid(", \"edit_positions\": \"first\"")).Should().Contain("edit_positions must be \"all\" or \"last\", got \"first\"");

    [Test]
    public void BadSplit() =>
        Refused(Valid(", \"evaluate\": {\"datasets\": [\"gender\"], \"splits\": [\"dev\"]}")).Should().Contain("evaluate.splits may hold \"test\" and \"train\", got \"dev\"");

    [TestCase("1")]
    [TestCase("11")]
    [TestCase("\"3\"")]
    public void BadConfidenceBins(string bins) =>
        Refused(Valid($", \"evaluate\": {{\"datasets\": [\"gender\"], \"confidence_bins\": {bins}}}")).Should().Contain("confidence_bins");

    [Test]
    public void NotJson() =>
        Refused("{\"name\": ").Should().Contain("not valid JSON");

    [Test]
    public void MissingMethods() =>
        Refused("{\"name\": \"x\", \"sites\": [\"ln_final\"], \"concept\": {\"dataset\": \"gender\"}}").Should().Contain("missing field 'methods'");
}
