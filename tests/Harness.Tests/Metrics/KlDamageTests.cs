using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

public class KlDamageTests
{
    [Test]
    public void IdenticalLogitsHaveZeroDamage()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(PlainMath.Random(2 * 3 * 7, 1, 5), [2, 3, 7]);
        KlDamage.Mean(logits, logits.clone()).Should().BeApproximately(0, 1e-12);
    }

    [Test]
    public void MatchesAPlainDoubleLoopOverTheMaskedPositions()
    {
        using var scope = NewDisposeScope();
        const int n = 3, seq = 4, vocab = 6;
        var p = PlainMath.Random(n * seq * vocab, 2, 4);
        var q = PlainMath.Random(n * seq * vocab, 3, 4);
        var mask = new[] { true, true, false, false, true, false, true, true, false, false, false, true };

        double sum = 0;
        int count = 0;
        for (int pos = 0; pos < n * seq; pos++)
        {
            if (!mask[pos]) continue;
            var logP = PlainMath.LogSoftmax(p, pos * vocab, vocab);
            var logQ = PlainMath.LogSoftmax(q, pos * vocab, vocab);
            for (int t = 0; t < vocab; t++) sum += Math.Exp(logP[t]) * (logP[t] - logQ[t]);
            count++;
        }

        double kl = KlDamage.Mean(tensor(p, [n, seq, vocab]), tensor(q, [n, seq, vocab]), tensor(mask, [n, seq]));
        kl.Should().BeApproximately(sum / count, 1e-9);
        kl.Should().BeGreaterThan(0.01);
    }

    [Test]
    public void IsKlOfTheEditedFromTheUneditedNotTheReverse()
    {
        using var scope = NewDisposeScope();
        // P = (0.5, 0.5), Q = (0.9, 0.1): KL(P||Q) = 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) = 0.5108...,
        // KL(Q||P) = 0.3681...
        var unedited = tensor(new[] { Math.Log(0.5), Math.Log(0.5) }, [1, 2]);
        var edited = tensor(new[] { Math.Log(0.9), Math.Log(0.1) }, [1, 2]);
        double expected = 0.5 * Math.Log(0.5 / 0.9) + 0.5 * Math.Log(0.5 / 0.1);
        KlDamage.Mean(unedited, edited).Should().BeApproximately(expected, 1e-12);
    }

    [Test]
    public void ImpossibleUneditedTokensContributeNothing()
    {
        using var scope = NewDisposeScope();
        var unedited = tensor(new[] { 0.0, double.NegativeInfinity }, [1, 2]);
        var edited = tensor(new[] { Math.Log(0.25), Math.Log(0.75) }, [1, 2]);
        KlDamage.Mean(unedited, edited).Should().BeApproximately(Math.Log(4), 1e-12);
    }

    [Test]
    public void RejectsMismatchedShapes()
    {
        using var scope = NewDisposeScope();
        var act = () => KlDamage.Mean(zeros(2, 3, 5), zeros(2, 3, 4));
        act.Should().Throw<HarnessException>().WithMessage("kl damage: edited logits must be floating point with the unedited shape [2, 3, 5], got Float32 [2, 3, 4]");
        act = () => KlDamage.Mean(zeros(2, 3, 5), zeros(2, 3, 5), ones(2, 4, dtype: ScalarType.Bool));
        act.Should().Throw<HarnessException>().WithMessage("kl damage: mask must have shape [2, 3], got [2, 4]");
        act = () => KlDamage.Mean(zeros(2, 3, 5), zeros(2, 3, 5), zeros(2, 3, dtype: ScalarType.Bool));
        act.Should().Throw<HarnessException>().WithMessage("kl damage: the mask selects no positions");
    }
}
