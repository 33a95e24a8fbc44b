using Harness.Concepts;
using Harness.Experiments;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// The counterfactual pieces of the damage metrics: partner_kl is KL(partner's unedited || edited)
/// on the prompts with a partner (computed here with plain arithmetic), NaN on the others; the
/// concept words of a minimal-pair dataset are the tokens its pairs differ in; the unflipped
/// positions of a text are those whose next token is not one of them.
public class CounterfactualMetricsTests
{
    private static PromptSet Set() => new()
    {
        Dataset = "d", Split = Split.Test, File = "f", LabelNames = ["female", "male"],
        Ids = [[1], [2], [3], [4], [5]], Correct = [10, 11, 10, 11, 12], Wrong = [11, 10, 11, 10, 13],
        Labels = [0, 1, 0, 1, 0], Pairs = [0, 0, 1, 1, 2],
    };

    [Test]
    public void PartnerKlComparesTheEditedPromptWithItsPartnersUneditedDistribution()
    {
        using var scope = NewDisposeScope();
        var set = Set();
        var unedited = randn(5, 7, generator: new Generator(1));
        var edited = randn(5, 7, generator: new Generator(2));
        var metric = MetricRegistry.Find(MetricNames.PartnerKl)!;
        // the batch holds prompts 1..4 (offset 1): partners 0, 3, 2 and none
        var values = metric.PerPrompt!(new PromptBatch(set, 1, edited[1..5], unedited));
        var partnerOf = new[] { 0, 3, 2 };
        for (int i = 0; i < 3; i++)
        {
            var p = unedited[partnerOf[i]].to_type(ScalarType.Float64).softmax(0).data<double>().ToArray();
            var q = edited[1 + i].to_type(ScalarType.Float64).softmax(0).data<double>().ToArray();
            double kl = p.Zip(q, (a, b) => a * Math.Log(a / b)).Sum();
            values[i].Should().BeApproximately(kl, 1e-9);
        }
        double.IsNaN(values[3]).Should().BeTrue("prompt 4 has no partner");
        metric.PartneredOnly.Should().BeTrue();
    }

    [Test]
    public void ConceptWordsAreTheTokensAPairDiffersIn()
    {
        int[][] ids = [[7, 1, 2], [8, 1, 3], [7, 5], [9, 5], [6, 6]];
        TextSet.PairDifferences(ids, [0, 0, 1, 1, 2], [0, 1, 0, 1, 0]).Order().Should().Equal(2, 3, 7, 7, 8, 9);
        TextSet.PairDifferences(ids, [0, 0, 1, 1, 2], [0, 0, 0, 1, 0]).Order().Should().Equal(new[] { 7, 9 }, "a pair of one label is no minimal pair");
    }

    [Test]
    public void UnflippedPositionsAreThoseNotPredictingAConceptWord()
    {
        var text = new TextSet { Dataset = "d", File = "f", Ids = [[1, 7, 2, 8], [7, 3]], Labels = [0, 0], ConceptTokens = new HashSet<int> { 7, 8 } };
        text.Unflipped().Should().Equal(false, true, false, true, true, true);
        new TextSet { Dataset = "d", File = "f", Ids = [[1, 7]], Labels = [0] }.Unflipped().Should().BeNull();
        text.Truncate(2).Unflipped().Should().Equal(new[] { false, true, true, true }, "a cut text's last position predicts nothing");
    }
}
