using Harness.Erasure;
using Harness.Experiments;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// `union`: earlier methods' directions erased together, and a concept of one cue. The spec's bad
/// inputs are refused with one line naming the entry; the eraser is the orthogonal projection onto
/// the complement of the members' span (idempotent, orthonormal rows, a repeated direction dropped).
public class UnionDirectionsTests
{
    private const string File = "experiments/bad.json";

    private static string Spec(string methods) =>
        "{\"name\": \"u\", \"sites\": [\"blocks.0.hook_resid_post\"], \"concept\": {\"dataset\": \"gender\"}, \"methods\": " + methods
        + ", \"edits\": [\"project\"], \"metrics\": [\"pronoun_bias\"]}";

    private static string Refused(string methods)
    {
        var e = FluentActions.Invoking(() => ExperimentSpec.Parse(Spec(methods), File)).Should().Throw<HarnessException>().Which;
        e.Message.Should().NotContain("\n").And.StartWith(File + ": ");
        return e.Message;
    }

    [Test]
    public void AUnionNamesEarlierMethods()
    {
        var spec = ExperimentSpec.Parse(Spec("""["leace", {"method": "mean-diff", "label": "md"}, {"method": "union", "label": "both", "of": ["leace", "md"]}]"""), File);
        spec.Methods[2].Of.Should().Equal("leace", "md");
        spec.Methods[2].Name.Should().Be(UnionDirections.Name);
    }

    [Test]
    public void BadUnions()
    {
        Refused("""["leace", {"method": "union", "of": ["leace", "probe"]}]""").Should().Contain("'probe', which is not a method listed before it (earlier: leace)");
        Refused("""[{"method": "union", "of": ["leace", "probe"]}, "leace", "probe"]""").Should().Contain("which is not a method listed before it (earlier: none)");
        Refused("""["leace", {"method": "union"}]""").Should().Contain("method union needs \"of\"");
        Refused("""["leace", {"method": "union", "of": ["leace"]}]""").Should().Contain("methods[1].of must name at least two methods, got 1");
        Refused("""["leace", {"method": "probe", "of": ["leace"]}]""").Should().Contain("'of' is not an option of method probe (only union takes it)");
    }

    [Test]
    public void AConceptOfOneCueNeedsPrompts()
    {
        var spec = ExperimentSpec.Parse(Spec("""["leace", {"method": "leace", "concept": {"dataset": "gender-attributes", "source": "prompts", "cue": "hair"}}]"""), File);
        spec.Methods[1].Concept.Cue.Should().Be("hair");
        spec.Methods[1].Label.Should().Be("leace@gender-attributes:hair", "the cue joins the label");
        Refused("""[{"method": "leace", "concept": {"dataset": "gender-attributes", "cue": "hair"}}]""").Should().Contain("selects prompts by their cue field: it needs \"source\": \"prompts\"");
    }

    [Test]
    public void TheUnionIsTheProjectionOffTheMembersSpan()
    {
        using var scope = NewDisposeScope();
        FittedDirections Member(string label, double[] rows, long k) => new("m", "s", label, "leace", "gender", new Dictionary<string, string>(), k, 3, rows, new Dictionary<string, double[]>(), []);
        var a = Member("a", [1, 0, 0], 1);
        var b = Member("b", [1, 1, 0, 1, 0, 0], 2); // its second row repeats a's direction
        var options = EraserOptions.Defaults(UnionDirections.Definition);
        var union = UnionDirections.Of([a, b], tensor(new double[] { 0, 0, 0 }), options);
        union.Directions.shape.Should().Equal(2, 3);
        var x = tensor(new double[] { 3, 4, 5, -1, 2, 7 }, [2, 3], ScalarType.Float64);
        var once = union.Apply(x);
        (union.Apply(once) - once).abs().max().item<double>().Should().BeLessThan(1e-12, "a projection is idempotent");
        once[TensorIndex.Colon, 0].abs().max().item<double>().Should().BeLessThan(1e-12);
        once[TensorIndex.Colon, 1].abs().max().item<double>().Should().BeLessThan(1e-12);
        (once[TensorIndex.Colon, 2] - x[TensorIndex.Colon, 2]).abs().max().item<double>().Should().BeLessThan(1e-12, "the third coordinate is outside the span");
    }
}
