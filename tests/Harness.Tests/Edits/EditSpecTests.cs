using Harness.Edits;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class EditSpecTests
{
    private const long D = 10;

    [TestCase("reflect", "reflect(centre=mean)")]
    [TestCase("\"reflect\"", "reflect(centre=mean)")]
    [TestCase("{\"edit\": \"project\", \"centre\": \"median\"}", "project(centre=median)")]
    [TestCase("{\"edit\": \"project\", \"centre\": \"zero\"}", "project(centre=zero)")]
    [TestCase("{\"edit\": \"amplify\", \"centre\": \"basis\"}", "amplify(centre=basis)")]
    [TestCase("{\"edit\": \"scale\", \"strength\": -1}", "scale(strength=-1, centre=mean)")]
    [TestCase("{\"edit\": \"scale\", \"strength\": 0.5, \"centre\": \"zero\"}", "scale(strength=0.5, centre=zero)")]
    [TestCase("{\"edit\": \"add\", \"alpha\": 4}", "add(alpha=4)")]
    [TestCase("{\"edit\": \"alterrep\", \"alpha\": 1, \"sign\": -1}", "alterrep(alpha=1, sign=-1)")]
    [TestCase("{\"edit\": \"alterrep\", \"sign\": 1}", "alterrep(alpha=1, sign=1)")]
    [TestCase("erase", "erase")]
    public void ParsesEveryForm(string text, string label) =>
        EditSpec.Parse(text).Label.Should().Be(label);

    [Test]
    public void ParsedFieldsHaveTheirValues()
    {
        var spec = EditSpec.Parse("{\"edit\": \"scale\", \"strength\": -1, \"centre\": \"median\"}");
        spec.Should().BeEquivalentTo(new EditSpec { Edit = "scale", Strength = -1, Centre = CentreKind.Median });
        spec.EffectiveStrength.Should().Be(-1);
        EditSpec.Parse("project").EffectiveStrength.Should().Be(1);
        EditSpec.Parse("reflect").EffectiveStrength.Should().Be(2);
        EditSpec.Parse("amplify").EffectiveStrength.Should().Be(-1);
    }

    [TestCase("projct", "edit spec: unknown edit 'projct' (known: project, reflect, amplify, scale, erase, add, alterrep)")]
    [TestCase("{\"edit\": \"swap\"}", "edit spec: unknown edit 'swap' (known: *)")]
    [TestCase("{\"edit\": \"project\", \"strength\": 2}", "edit 'project': unknown field 'strength' (allowed: edit, centre)")]
    [TestCase("{\"edit\": \"reflect\", \"centr\": \"mean\"}", "edit 'reflect': unknown field 'centr' (allowed: edit, centre)")]
    [TestCase("{\"edit\": \"scale\", \"strength\": \"big\"}", "edit 'scale': strength must be a number, got \"big\"")]
    [TestCase("{\"edit\": \"scale\", \"strength\": \"-1\"}", "edit 'scale': strength must be a number, got \"-1\"")]
    [TestCase("{\"edit\": \"scale\"}", "edit 'scale': missing field 'strength'*")]
    [TestCase("{\"edit\": \"add\", \"alpha\": null}", "edit 'add': alpha must be a number, got null")]
    [TestCase("{\"edit\": \"add\"}", "edit 'add': missing field 'alpha'*")]
    [TestCase("{\"edit\": \"alterrep\", \"alpha\": 1}", "edit 'alterrep': missing field 'sign'*")]
    [TestCase("{\"edit\": \"alterrep\", \"sign\": 2}", "edit 'alterrep': sign must be 1 or -1, got 2")]
    [TestCase("{\"edit\": \"alterrep\", \"sign\": 1, \"alpha\": -1}", "edit 'alterrep': alpha must be >= 0*")]
    [TestCase("{\"edit\": \"project\", \"centre\": \"middle\"}", "edit 'project': centre must be one of mean, median, zero, basis, got \"middle\"")]
    [TestCase("{\"centre\": \"mean\"}", "edit spec: missing field 'edit'")]
    [TestCase("{\"edit\": 3}", "edit spec: field 'edit' must be a string, got 3")]
    [TestCase("[\"project\"]", "edit spec: must be an edit name or an object*")]
    [TestCase("{\"edit\": \"project\",", "edit spec: not valid JSON*")]
    [TestCase("  ", "edit spec: empty")]
    public void RejectsBadSpecsInOneLine(string text, string message)
    {
        var act = () => EditSpec.Parse(text);
        act.Should().Throw<HarnessException>().WithMessage(message).Which.Message.Should().NotContain("\n");
    }

    [Test]
    public void BuildsDirectionEditsAgainstTheContext()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(2, D, 1);
        var train = Randn([15, D], 2);
        var context = new EditContext { Directions = basis, TrainingActivations = train };
        var v = Randn([4, D], 3);

        using var median = EditSpec.Parse("{\"edit\": \"project\", \"centre\": \"median\"}").Build(context);
        median.Name.Should().Be("project(centre=median)");
        using var byHand = ScaleEdit.Project(basis, Centre.Median(train, basis));
        Same(median.Apply(v), byHand.Apply(v)).Should().BeTrue();

        using var amplify = EditSpec.Parse("{\"edit\": \"scale\", \"strength\": -1, \"centre\": \"zero\"}").Build(context);
        MaxAbsDiff(amplify.Apply(v).mm(basis.t()), 2 * v.mm(basis.t())).Should().BeLessThan(1e-12);
    }

    [Test]
    public void BuildsAddFromASingleDirectionAndAlterRepFromTheBasis()
    {
        using var scope = NewDisposeScope();
        var one = Basis(1, D, 4);
        var v = Randn([3, D], 5);
        using var add = EditSpec.Parse("{\"edit\": \"add\", \"alpha\": 4}").Build(new EditContext { Directions = one });
        MaxAbsDiff(add.Apply(v), v + 4 * one).Should().BeLessThan(1e-12);

        using var alter = EditSpec.Parse("{\"edit\": \"alterrep\", \"alpha\": 1, \"sign\": -1}").Build(new EditContext { Directions = one });
        MaxAbsDiff(alter.Apply(v).mm(one.t()), -v.mm(one.t()).abs()).Should().BeLessThan(1e-12);
    }

    [Test]
    public void BuildNamesWhatTheContextLacks()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(2, D, 6);
        Action build = () => EditSpec.Parse("{\"edit\": \"project\", \"centre\": \"median\"}").Build(new EditContext { Directions = basis });
        build.Should().Throw<HarnessException>().WithMessage("edit 'project': centre 'median' needs training activations (none were given)");
        build = () => EditSpec.Parse("reflect").Build(new EditContext());
        build.Should().Throw<HarnessException>().WithMessage("edit 'reflect': needs a direction basis (none was given)");
        build = () => EditSpec.Parse("erase").Build(new EditContext { Directions = basis });
        build.Should().Throw<HarnessException>().WithMessage("edit 'erase': needs a fitted eraser (none was given)");
        build = () => EditSpec.Parse("{\"edit\": \"add\", \"alpha\": 1}").Build(new EditContext { Directions = basis });
        build.Should().Throw<HarnessException>().WithMessage($"edit 'add': needs a steering vector or a single direction, the basis has shape [2, {D}]");
        build = () => EditSpec.Parse("{\"edit\": \"project\", \"centre\": \"zero\"}").Build(new EditContext { Directions = 3 * basis });
        build.Should().Throw<HarnessException>().WithMessage("edit 'project': direction rows are not orthonormal*");
    }

    [Test]
    public void SpecsBuiltInCodeAreCheckedToo()
    {
        var act = () => new EditSpec { Edit = "project", Strength = 3 }.Validate();
        act.Should().Throw<HarnessException>().WithMessage("edit 'project': unknown field 'strength' (allowed: edit, centre)");
    }
}
