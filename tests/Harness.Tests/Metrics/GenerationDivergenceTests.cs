using Harness.Metrics;

namespace Harness.Tests.Metrics;

public class GenerationDivergenceTests
{
    [TestCase(new[] { 1, 2, 3, 4 }, new[] { 1, 2, 3, 4 }, 4)]
    [TestCase(new[] { 1, 2, 3, 4 }, new[] { 1, 2, 9, 4 }, 2)]
    [TestCase(new[] { 1, 2, 3, 4 }, new[] { 7, 2, 3, 4 }, 0)]
    [TestCase(new[] { 1, 2 }, new[] { 1, 2, 3 }, 2)]
    [TestCase(new int[0], new int[0], 0)]
    public void FirstDifferenceIndex(int[] unedited, int[] edited, int expected) =>
        GenerationDivergence.FirstDifference(unedited, edited).Should().Be(expected);

    [Test]
    public void AggregatesMeanIndexAndFractionIdentical()
    {
        var unedited = new[] { new[] { 1, 2, 3 }, new[] { 4, 5, 6 }, new[] { 7, 8 }, new[] { 1, 1, 1 } };
        var edited = new[] { new[] { 1, 2, 3 }, new[] { 4, 0, 6 }, new[] { 7, 8, 9 }, new[] { 2, 1, 1 } };
        var result = GenerationDivergence.Compute(unedited, edited);
        result.FirstDifference.Should().Equal(3, 1, 2, 0);
        result.Identical.Should().Equal(true, false, false, false);
        result.MeanFirstDifference.Should().Be(1.5);
        result.FractionIdentical.Should().Be(0.25);
    }

    [Test]
    public void RejectsDifferentNumbersOfGenerations()
    {
        var act = () => GenerationDivergence.Compute(new[] { new[] { 1 } }, new[] { new[] { 1 }, new[] { 2 } });
        act.Should().Throw<HarnessException>().WithMessage("generation divergence: 1 unedited generations but 2 edited ones");
    }
}
