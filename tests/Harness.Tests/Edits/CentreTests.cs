using Harness.Edits;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class CentreTests
{
    [Test]
    public void MedianOfOneDirectionMatchesAHandComputedMedian()
    {
        using var scope = NewDisposeScope();
        // d = (0.6, 0.8); the rows' coordinates d.x are 5, -1, 3, 100, 2 -> median 3 -> m = 3 d.
        var d = tensor(new[] { 0.6, 0.8 }).unsqueeze(0);
        var x = tensor(new[,] { { 3.0, 4.0 }, { -0.6, -0.8 }, { 1.8, 2.4 }, { 60.0, 80.0 }, { 1.2, 1.6 } });
        Doubles(Centre.Median(x, d)).Should().Equal(new[] { 1.8, 2.4 }, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Test]
    public void MedianOfAnEvenCountAveragesTheTwoMiddleValues()
    {
        using var scope = NewDisposeScope();
        // Coordinates along e1: 3, 1, 2, 10 -> (2 + 3) / 2 = 2.5; the e2 entries are ignored.
        var d = tensor(new[] { 1.0, 0.0 }).unsqueeze(0);
        var x = tensor(new[,] { { 3.0, 7.0 }, { 1.0, -7.0 }, { 2.0, 0.5 }, { 10.0, 1.0 } });
        Doubles(Centre.Median(x, d)).Should().Equal(2.5, 0.0);
    }

    [Test]
    public void MedianTakesEachDirectionsOwnMedian()
    {
        using var scope = NewDisposeScope();
        // Two directions e1, e2 in R^3: medians 2 (of 1, 2, 9) and -1 (of 0, -1, -5).
        var d = tensor(new[,] { { 1.0, 0.0, 0.0 }, { 0.0, 1.0, 0.0 } });
        var x = tensor(new[,] { { 1.0, 0.0, 4.0 }, { 2.0, -5.0, 4.0 }, { 9.0, -1.0, 4.0 } });
        Doubles(Centre.Median(x, d)).Should().Equal(2.0, -1.0, 0.0);
    }

    [Test]
    public void MeanAndZero()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[,] { { 1.0, 2.0 }, { 3.0, 6.0 } });
        var d = tensor(new[] { 1.0, 0.0 }).unsqueeze(0);
        Doubles(Centre.Compute(CentreKind.Mean, x, d)).Should().Equal(2.0, 4.0);
        Doubles(Centre.Compute(CentreKind.Zero, null, d)).Should().Equal(0.0, 0.0);
    }

    [Test]
    public void MedianNeedsMatchingTrainingActivations()
    {
        using var scope = NewDisposeScope();
        var d = Basis(1, 4, 1);
        var act = () => Centre.Median(zeros(5, 3), d);
        act.Should().Throw<HarnessException>().WithMessage("centre 'median': training activations must be [n, 4], got shape [5, 3]");
        act = () => Centre.Compute(CentreKind.Median, null, d);
        act.Should().Throw<HarnessException>().WithMessage("centre 'median': needs training activations*");
    }
}
