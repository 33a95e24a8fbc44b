using Harness.Experiments;

namespace Harness.Tests.Experiments;

public class ConfidenceBinsTests
{
    [Test]
    public void PairsAreRankedByTheirMeanScoreAndCutIntoNearlyEqualBins()
    {
        // 10 pairs of 2 prompts, pair p's prompts scoring p/10 +- 0.05, shuffled order of pairs.
        var order = new[] { 7, 2, 9, 0, 4, 1, 8, 3, 6, 5 };
        var pairs = order.SelectMany(p => new[] { p, p }).ToArray();
        var scores = order.SelectMany(p => new[] { p / 10.0 + 0.05, p / 10.0 - 0.05 }).ToArray();
        var bins = ConfidenceBins.Of(scores, pairs, 3);
        for (int i = 0; i < pairs.Length; i++)
            bins[i].Should().Be(pairs[i] switch { < 4 => "confidence=1", < 7 => "confidence=2", _ => "confidence=3" }, $"pair {pairs[i]}: ranks 0-3, 4-6, 7-9 (r * 3 / 10)");
        Enumerable.Range(0, pairs.Length).GroupBy(i => pairs[i]).Should().OnlyContain(g => g.Select(i => bins[i]).Distinct().Count() == 1, "a pair is never split");
    }

    [Test]
    public void BadInputsAreRefused()
    {
        var act = () => ConfidenceBins.Of([0.1, 0.2], [0], 2);
        act.Should().Throw<ArgumentException>().WithMessage("scores: 2 values for 1 prompts");
        act = () => ConfidenceBins.Of([0.1], [0], 1);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
