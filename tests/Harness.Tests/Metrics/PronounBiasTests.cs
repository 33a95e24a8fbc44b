using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

public class PronounBiasTests
{
    /// Logits log(p) give softmax p exactly when p sums to one.
    private static Tensor LogitsOf(double[,] probabilities)
    {
        int n = probabilities.GetLength(0), v = probabilities.GetLength(1);
        var logits = new float[n * v];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < v; t++)
                logits[i * v + t] = (float)Math.Log(probabilities[i, t]);
        return tensor(logits, [n, v]);
    }

    [Test]
    public void HandComputedCases()
    {
        using var scope = NewDisposeScope();
        // Prompt 0: p_c = 0.6, p_w = 0.2 -> b = 0.4 / 0.6 = 2/3. Prompt 1: the same distribution with
        // the answers swapped -> -2/3. Prompt 2: p_c = p_w = 0.3 -> 0, and not counted as right.
        var logits = LogitsOf(new[,] { { 0.6, 0.2, 0.2 }, { 0.6, 0.2, 0.2 }, { 0.3, 0.3, 0.4 } });
        var result = PronounBias.Compute(logits, new[] { 0, 1, 0 }, new[] { 1, 0, 1 });

        result.PerPrompt.Should().Equal(new[] { 2.0 / 3, -2.0 / 3, 0.0 }, (a, b) => Math.Abs(a - b) < 1e-6);
        result.Bias.Should().BeApproximately(0, 1e-6);
        result.Accuracy.Should().BeApproximately(1.0 / 3, 1e-12);
        result.CorrectProbability[0].Should().BeApproximately(0.6, 1e-6);
        result.WrongProbability[0].Should().BeApproximately(0.2, 1e-6);
    }

    [Test]
    public void AlwaysRightIsNearOneAndAlwaysWrongNearMinusOne()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 20, 0, 0, 0, 20, 0 }, [2, 3]);
        PronounBias.Compute(logits, new[] { 0, 1 }, new[] { 1, 0 }).Bias.Should().BeApproximately(1, 1e-8);
        PronounBias.Compute(logits, new[] { 1, 0 }, new[] { 0, 1 }).Bias.Should().BeApproximately(-1, 1e-8);
    }

    [Test]
    public void StaysFiniteWhenBothProbabilitiesUnderflow()
    {
        using var scope = NewDisposeScope();
        // p_c = e^-1000 and p_w = e^-1001 underflow to 0 in float64, yet b = 1 - 1/e.
        var logits = tensor(new double[] { 0, -1001, -1000 }, [1, 3]);
        PronounBias.Compute(logits, new[] { 2 }, new[] { 1 }).Bias.Should().BeApproximately(1 - Math.Exp(-1), 1e-12);
    }

    [Test]
    public void RandomLogitsMatchAPlainComputation()
    {
        using var scope = NewDisposeScope();
        const int n = 25, vocab = 40;
        var raw = PlainMath.Random(n * vocab, 7, 6);
        var rng = new Random(8);
        var correct = new int[n];
        var wrong = new int[n];
        for (int i = 0; i < n; i++)
        {
            correct[i] = rng.Next(vocab);
            do wrong[i] = rng.Next(vocab); while (wrong[i] == correct[i]);
        }

        var result = PronounBias.Compute(tensor(raw, [n, vocab]), correct, wrong);

        double sum = 0;
        int right = 0;
        for (int i = 0; i < n; i++)
        {
            var logp = PlainMath.LogSoftmax(raw, i * vocab, vocab);
            double pc = Math.Exp(logp[correct[i]]), pw = Math.Exp(logp[wrong[i]]);
            double b = (pc - pw) / Math.Max(pc, pw);
            result.PerPrompt[i].Should().BeApproximately(b, 1e-9);
            sum += b;
            if (pc > pw) right++;
        }
        result.Bias.Should().BeApproximately(sum / n, 1e-9);
        result.Accuracy.Should().Be((double)right / n);
        result.Accuracy.Should().BeInRange(0.05, 0.95, "the random case must contain both outcomes to test anything");
    }

    [Test]
    public void RejectsIdsThatDoNotMatchTheLogits()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(3, 5);
        var act = () => PronounBias.Compute(logits, new[] { 0, 1 }, new[] { 1, 0, 2 });
        act.Should().Throw<HarnessException>().WithMessage("pronoun bias: correct ids has 2 entries for 3 prompts (logits [3, 5])");
        act = () => PronounBias.Compute(logits, new[] { 0, 1, 2 }, new[] { 1, 0 });
        act.Should().Throw<HarnessException>().WithMessage("pronoun bias: wrong ids has 2 entries for 3 prompts (logits [3, 5])");
        act = () => PronounBias.Compute(logits, new[] { 0, 1, 5 }, new[] { 1, 0, 2 });
        act.Should().Throw<HarnessException>().WithMessage("pronoun bias: correct id 5 of prompt 2 is outside the vocabulary of 5");
        act = () => PronounBias.Compute(logits, new[] { 0, 1, 2 }, new[] { 1, 0, 2 });
        act.Should().Throw<HarnessException>().WithMessage("pronoun bias: prompt 2 has the same correct and wrong id (2)");
        act = () => PronounBias.Compute(zeros(3, 4, 5), new[] { 0, 1, 2 }, new[] { 1, 0, 3 });
        act.Should().Throw<HarnessException>().WithMessage("pronoun bias: logits must be [n, vocab] (last position of each prompt), got shape [3, 4, 5]");
    }
}
