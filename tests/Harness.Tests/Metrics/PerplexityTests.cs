using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

public class PerplexityTests
{
    [Test]
    public void UniformLogitsGiveTheVocabularySize()
    {
        using var scope = NewDisposeScope();
        var tokens = tensor(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 }, [2, 4]);
        var result = Perplexity.Compute(full(2, 4, 11, 0.7f), tokens);
        result.Perplexity.Should().BeApproximately(11, 1e-9);
        result.Tokens.Should().Be(6);   // 3 predicted tokens per row
    }

    [Test]
    public void MatchesAPlainComputationOverTheMaskedTargets()
    {
        using var scope = NewDisposeScope();
        const int n = 2, seq = 5, vocab = 9;
        var logits = PlainMath.Random(n * seq * vocab, 4, 3);
        var rng = new Random(5);
        var tokens = Enumerable.Range(0, n * seq).Select(_ => (long)rng.Next(vocab)).ToArray();
        // Right padding: row 0 has 5 real tokens, row 1 has 3.
        var mask = new[] { true, true, true, true, true, true, true, true, false, false };

        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++)
            for (int t = 1; t < seq; t++)
            {
                if (!mask[i * seq + t]) continue;
                var logp = PlainMath.LogSoftmax(logits, (i * seq + t - 1) * vocab, vocab);
                sum -= logp[tokens[i * seq + t]];
                count++;
            }

        var result = Perplexity.Compute(tensor(logits, [n, seq, vocab]), tensor(tokens, [n, seq]), tensor(mask, [n, seq]));
        result.Tokens.Should().Be(6);
        result.MeanCrossEntropy.Should().BeApproximately(sum / count, 1e-9);
        result.Perplexity.Should().BeApproximately(Math.Exp(sum / count), 1e-9);
    }

    [Test]
    public void RejectsTokensThatDoNotMatchTheLogits()
    {
        using var scope = NewDisposeScope();
        var act = () => Perplexity.Compute(zeros(2, 4, 5), zeros(2, 3, dtype: ScalarType.Int64));
        act.Should().Throw<HarnessException>().WithMessage("perplexity: tokens must have shape [2, 4] to match logits [2, 4, 5], got [2, 3]");
        act = () => Perplexity.Compute(zeros(2, 4, 5), zeros(2, 4));
        act.Should().Throw<HarnessException>().WithMessage("perplexity: tokens must be integer ids, got Float32");
        act = () => Perplexity.Compute(zeros(1, 2, 5), tensor(new long[] { 0, 5 }, [1, 2]));
        act.Should().Throw<HarnessException>().WithMessage("perplexity: token ids must be in [0, 5), got 5");
    }
}
