using Harness.Erasure;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class ProjectionErasersTests
{
    private static Tensor ClassMean(Tensor x, Tensor labels, int c) =>
        x.index_select(0, labels.eq(c).nonzero().squeeze(1)).mean(new long[] { 0 });

    [Test]
    public void MeanDifferenceOfTwoClassesIsTheNormalisedDifference()
    {
        var (x, labels) = Synthetic.Classes(n: 100, d: 5, k: 2, seed: 1);
        var eraser = MeanDifference.Fit(new EraserData(x, labels));
        var difference = ClassMean(x, labels, 1) - ClassMean(x, labels, 0);
        var expected = (difference / difference.norm()).unsqueeze(0);
        Tensors.MaxDifference(eraser.Directions, expected).Should().BeLessThan(1e-12);
        Tensors.MaxDifference(eraser.Centre, x.mean(new long[] { 0 })).Should().BeLessThan(1e-12);
        eraser.Method.Should().Be("mean-diff");

        var erased = eraser.Apply(x);
        Tensors.MaxDifference(ClassMean(erased, labels, 0), ClassMean(erased, labels, 1)).Should().BeLessThan(1e-10);
        Tensors.MaxDifference(erased.mean(new long[] { 0 }), x.mean(new long[] { 0 })).Should().BeLessThan(1e-10);
    }

    [Test]
    public void MeanDifferenceOfSeveralClassesIsOrthonormalAndErasesEveryDifference()
    {
        var (x, labels) = Synthetic.Classes(n: 200, d: 6, k: 4, seed: 2);
        var eraser = MeanDifference.Fit(new EraserData(x, labels));
        eraser.Directions.shape.Should().Equal(3, 6);
        Subspace.OrthonormalityError(eraser.Directions).Should().BeLessThan(1e-12);
        // The first direction is class 1's difference from class 0.
        var first = ClassMean(x, labels, 1) - ClassMean(x, labels, 0);
        Tensors.MaxDifference(eraser.Directions[0], first / first.norm()).Should().BeLessThan(1e-12);
        var erased = eraser.Apply(x);
        for (int c = 1; c < 4; c++)
            Tensors.MaxDifference(ClassMean(erased, labels, c), ClassMean(erased, labels, 0)).Should().BeLessThan(1e-10);
    }

    [Test]
    public void RandomDirectionsAreOrthonormalSeededAndIgnoreTheConcept()
    {
        var (x, labels) = Synthetic.Classes(n: 50, d: 8, k: 2, seed: 3);
        var one = RandomDirections.Fit(new EraserData(x), rank: 1, seed: 5);
        one.Directions.shape.Should().Equal(1, 8);
        one.Directions.norm().item<double>().Should().BeApproximately(1, 1e-12);

        var three = RandomDirections.Fit(new EraserData(x, labels), rank: 3, seed: 5);
        three.Directions.shape.Should().Equal(3, 8);
        Subspace.OrthonormalityError(three.Directions).Should().BeLessThan(1e-12);
        // Same seed: same first direction (orthonormalised in order); another seed: another one.
        Tensors.MaxDifference(three.Directions[0], one.Directions[0]).Should().BeLessThan(1e-12);
        Tensors.Same(RandomDirections.Fit(new EraserData(x), rank: 3, seed: 5).Directions, three.Directions).Should().BeTrue();
        Tensors.MaxDifference(RandomDirections.Fit(new EraserData(x), rank: 1, seed: 6).Directions, one.Directions).Should().BeGreaterThan(1e-3);

        var all = RandomDirections.Fit(new EraserData(x), rank: 8, seed: 1);
        Subspace.OrthonormalityError(all.Directions).Should().BeLessThan(1e-12);
        // Erasing every direction around the mean leaves only the mean.
        Tensors.MaxDifference(all.Apply(x), x.mean(new long[] { 0 }).expand(50, 8)).Should().BeLessThan(1e-10);
    }

    [Test]
    public void ErasingTwiceEqualsErasingOnce()
    {
        var (x, labels) = Synthetic.Classes(n: 80, d: 6, k: 3, seed: 4);
        foreach (var eraser in new[]
        {
            MeanDifference.Fit(new EraserData(x, labels)),
            MeanDifference.Fit(new EraserData(x, labels), affine: false),
            RandomDirections.Fit(new EraserData(x), rank: 2, seed: 9),
        })
        {
            var once = eraser.Apply(x);
            Tensors.MaxDifference(eraser.Apply(once), once).Should().BeLessThan(1e-12);
            // The edit is the orthogonal projection onto the directions around the centre.
            var edit = x - once;
            var directions = eraser.Directions;
            Tensors.MaxDifference(edit, (x - eraser.Centre).mm(directions.t()).mm(directions)).Should().BeLessThan(1e-12);
        }
    }

    [Test]
    public void WithoutAffineTheCentreIsTheOrigin()
    {
        var (x, labels) = Synthetic.Classes(n: 60, d: 4, k: 2, seed: 5);
        MeanDifference.Fit(new EraserData(x, labels), affine: false).Centre.abs().max().item<double>().Should().Be(0);
        RandomDirections.Fit(new EraserData(x), affine: false).Centre.abs().max().item<double>().Should().Be(0);
    }

    [Test]
    public void ProjectionEraserRefusesNonOrthonormalDirections()
    {
        var act = () => new ProjectionEraser("test", tensor(new double[] { 1, 1 }, new long[] { 1, 2 }), zeros(2, dtype: ScalarType.Float64), new Dictionary<string, string>());
        act.Should().Throw<ArgumentException>().WithMessage("the directions are not orthonormal*");
    }
}
