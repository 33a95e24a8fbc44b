using Harness.Edits;
using TorchSharp;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class EditPositionsTests
{
    private const long D = 8;

    [Test]
    public void OnlyChosenPositionsChangeAndTheOthersAreBitIdentical()
    {
        using var scope = NewDisposeScope();
        using var edit = ScaleEdit.Reflect(Basis(2, D, 1), Randn([D], 2));
        var v = Randn([2, 4, D], 3, ScalarType.Float32);
        var mask = tensor(new[] { true, false, false, true, false, true, false, false }, [2, 4]);
        var result = EditPositions.ApplyAt(edit, v, mask);

        var keep = mask.logical_not();
        Same(result.index(TensorIndex.Tensor(keep)), v.index(TensorIndex.Tensor(keep))).Should().BeTrue();
        var everywhere = edit.Apply(v);
        Same(result.index(TensorIndex.Tensor(mask)), everywhere.index(TensorIndex.Tensor(mask))).Should().BeTrue();
        MaxAbsDiff(result.index(TensorIndex.Tensor(mask)), v.index(TensorIndex.Tensor(mask))).Should().BeGreaterThan(0.01);
        result.dtype.Should().Be(ScalarType.Float32);
    }

    [Test]
    public void PositionListsPickTheSameRowsAsTheEquivalentMask()
    {
        using var scope = NewDisposeScope();
        using var edit = new AddEdit(ones(D), 3);
        var v = Randn([2, 4, D], 4);
        var byList = EditPositions.ApplyAt(edit, v, new[] { new[] { 0, -1 }, new[] { 2 } });
        var mask = tensor(new[] { true, false, false, true, false, false, true, false }, [2, 4]);
        Same(byList, EditPositions.ApplyAt(edit, v, mask)).Should().BeTrue();
        // Row 1, position 1 is untouched; row 1, position 2 got +3.
        Same(byList[1, 1], v[1, 1]).Should().BeTrue();
        MaxAbsDiff(byList[1, 2], v[1, 2] + 3).Should().Be(0);
    }

    [Test]
    public void AnEmptySelectionReturnsAnIdenticalCopy()
    {
        using var scope = NewDisposeScope();
        using var edit = new AddEdit(ones(D), 1);
        var v = Randn([2, 3, D], 5);
        var result = EditPositions.ApplyAt(edit, v, zeros(2, 3, dtype: ScalarType.Bool));
        Same(result, v).Should().BeTrue();
    }

    [Test]
    public void TheHookEditsAllPositionsOrTheMaskedOnes()
    {
        using var scope = NewDisposeScope();
        using var edit = new AddEdit(ones(D), 1);
        var v = Randn([1, 2, D], 6);
        Same(EditPositions.Hook(edit)(v), edit.Apply(v)).Should().BeTrue();
        var mask = tensor(new[] { false, true }, [1, 2]);
        Same(EditPositions.Hook(edit, mask)(v), EditPositions.ApplyAt(edit, v, mask)).Should().BeTrue();
    }

    [Test]
    public void RejectsBadMasksAndPositions()
    {
        using var scope = NewDisposeScope();
        using var edit = new AddEdit(ones(D), 1);
        var v = zeros(2, 3, D);
        var act = () => EditPositions.ApplyAt(edit, v, zeros(2, 4, dtype: ScalarType.Bool));
        act.Should().Throw<HarnessException>().WithMessage($"positions: mask must have shape [2, 3] for activations [2, 3, {D}], got [2, 4]");
        act = () => EditPositions.ApplyAt(edit, v, zeros(2, 3));
        act.Should().Throw<HarnessException>().WithMessage("positions: mask must be bool*");
        act = () => EditPositions.ApplyAt(edit, v, new[] { new[] { 3 }, new int[0] });
        act.Should().Throw<HarnessException>().WithMessage("positions: position 3 in batch row 0 is outside a sequence of 3");
        act = () => EditPositions.ApplyAt(edit, v, new[] { new[] { 0 } });
        act.Should().Throw<HarnessException>().WithMessage("positions: need one position list per batch row (2), got 1");
    }
}
