using Harness.Edits;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class AddEditTests
{
    [Test]
    public void AddsAlphaTimesTheVector()
    {
        using var scope = NewDisposeScope();
        var u = Randn([5], 1);
        using var edit = new AddEdit(u, 4);
        edit.Name.Should().Be("add(alpha=4)");
        var v = Randn([2, 3, 5], 2);
        MaxAbsDiff(edit.Apply(v), v + 4 * u).Should().BeLessThan(1e-12);
    }

    [Test]
    public void RejectsAVectorOfTheWrongShape()
    {
        using var scope = NewDisposeScope();
        var act = () => new AddEdit(zeros(2, 5), 1);
        act.Should().Throw<HarnessException>().WithMessage("add: vector: must have shape [5], got [2, 5]");
    }
}
