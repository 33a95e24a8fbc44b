using Harness.Edits;
using Harness.Erasure;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class EraserEditTests
{
    /// A stand-in eraser: x -> x P + b in x's dtype (the shape of LEACE's affine map). It records
    /// the shape it was called with.
    private sealed class AffineEraser(Tensor p, Tensor b) : IEraser
    {
        public long[]? LastShape;
        public string Method => "affine-test";
        public long Dimension => p.shape[0];
        public IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor> { ["p"] = p, ["b"] = b };
        public IReadOnlyDictionary<string, string> Options => new Dictionary<string, string>();

        public Tensor Apply(Tensor x, Tensor? z = null)
        {
            LastShape = x.shape;
            return (x.to_type(ScalarType.Float64).mm(p) + b).to_type(x.dtype);
        }
    }

    [Test]
    public void EqualsTheErasersApplyOnRows()
    {
        using var scope = NewDisposeScope();
        var eraser = new AffineEraser(Randn([6, 6], 1), Randn([6], 2));
        using var edit = new EraserEdit(eraser);
        edit.Name.Should().Be("erase(affine-test)");
        var v = Randn([2, 3, 6], 3, ScalarType.Float32);
        var edited = edit.Apply(v);
        eraser.LastShape.Should().Equal(6, 6);
        edited.shape.Should().Equal(2, 3, 6);
        edited.dtype.Should().Be(ScalarType.Float32);
        Same(edited.reshape(-1, 6), eraser.Apply(v.reshape(-1, 6))).Should().BeTrue();
    }

    [Test]
    public void RejectsActivationsOfAnotherDimension()
    {
        using var scope = NewDisposeScope();
        using var edit = new EraserEdit(new AffineEraser(eye(4, dtype: ScalarType.Float64), zeros(4, dtype: ScalarType.Float64)));
        var act = () => edit.Apply(zeros(3, 5));
        act.Should().Throw<HarnessException>().WithMessage("erase(affine-test): activations must have last dimension 4, got shape [3, 5]");
    }
}
