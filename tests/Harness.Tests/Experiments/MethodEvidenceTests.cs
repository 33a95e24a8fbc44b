using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// A method's check from its evidence: the interval on the claimed side of the boundary and the
/// effect beyond the null, else not supported; inconclusive without an interval or a null, or with
/// an interval too wide to say; and the comparison of two independent intervals.
public class MethodEvidenceTests
{
    private static ResultRow Row(double effect, double low, double high, double? rank) =>
        new("e", "m", "s", "rlace", "project", "gender", "test", MetricNames.PronounBias, 0.5)
        {
            N = 300, CiLow = 0.45, CiHigh = 0.55, Effect = effect, EffectCiLow = low, EffectCiHigh = high, NullRank = rank,
        };

    private static string Word(ResultRow row, MethodEvidence.Side side = MethodEvidence.Side.Below) =>
        MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, side, 0, MethodEvidence.MaxBiasWidth).Word;

    [Test]
    public void SupportedOnlyWhenTheIntervalExcludesTheBoundaryAndTheEffectBeatsTheNull()
    {
        Word(Row(-0.45, -0.47, -0.43, 0.0099)).Should().Be(Verdict.Supported);
        Word(Row(-0.45, -0.47, -0.43, 0.0099), MethodEvidence.Side.Above).Should().Be(Verdict.NotSupported, "the effect is on the other side");
        Word(Row(-0.45, -0.47, -0.43, 0.0099), MethodEvidence.Side.Away).Should().Be(Verdict.Supported);
        Word(Row(0.45, 0.43, 0.47, 0.0099), MethodEvidence.Side.Away).Should().Be(Verdict.Supported);
        Word(Row(-0.006, -0.008, -0.004, 0.059)).Should().Be(Verdict.NotSupported, "a real change that random directions match is not the concept's");
        Word(Row(-0.01, -0.03, 0.01, 0.0099)).Should().Be(Verdict.NotSupported, "the interval reaches 0");
        Word(Row(-0.01, -0.03, 0.01, 0.0099), MethodEvidence.Side.Away).Should().Be(Verdict.NotSupported);
        Word(Row(-0.2, -0.6, 0.05, 0.0099)).Should().Be(Verdict.Inconclusive, "an interval of width 0.65 is too wide to say");
        Word(Row(-0.45, -0.47, -0.43, null)).Should().Be(Verdict.Inconclusive, "no null, no verdict");
        Word(new ResultRow("e", "m", "s", "rlace", "project", "gender", "test", MetricNames.PronounBias, 0.5)).Should().Be(Verdict.Inconclusive);
        MethodEvidence.Judge(Row(-0.45, -0.47, -0.43, null), MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, 0.5, needsNull: false)
            .Word.Should().Be(Verdict.Supported, "a claim with no null to beat (a probe's accuracy) rests on the interval alone");
    }

    [Test]
    public void TheLineNamesTheQuantityItsIntervalAndItsNullRank()
    {
        MethodEvidence.Judge(Row(-0.449, -0.472, -0.427, 1 / 101.0), MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, 0.5).Line
            .Should().Be("effect -0.449 [-0.472, -0.427] < 0.000; null rank 0.010 <= 0.050");
        MethodEvidence.Judge(Row(-0.2, -0.3, 0.1, 0.5), MethodEvidence.Quantity.Value, MethodEvidence.Side.Below, 0, 0.5).Line
            .Should().Be("pronoun_bias 0.500 [0.450, 0.550] not below 0.000; null rank 0.500 > 0.050");
    }

    [Test]
    public void ExceedsAsksForDisjointIntervals()
    {
        var high = Row(-0.1, -0.12, -0.08, 0.01);
        var low = Row(-0.4, -0.42, -0.38, 0.01);
        MethodEvidence.Exceeds(high, "a", low, "b", MethodEvidence.Quantity.Effect).Should()
            .Be(new Check(Verdict.Supported, "effect -0.100 [-0.120, -0.080] on a > -0.400 [-0.420, -0.380] on b"));
        MethodEvidence.Exceeds(low, "b", high, "a", MethodEvidence.Quantity.Effect).Word.Should().Be(Verdict.NotSupported);
        MethodEvidence.Exceeds(high, "a", low with { EffectCiHigh = -0.11 }, "b", MethodEvidence.Quantity.Effect).Word.Should().Be(Verdict.NotSupported, "the intervals overlap");
        MethodEvidence.Exceeds(high, "a", low with { EffectCiLow = null }, "b", MethodEvidence.Quantity.Effect).Word.Should().Be(Verdict.Inconclusive);
    }

    [Test]
    public void AMethodIsSupportedWhenEveryCheckIsAndTheNegationSwapsTheWords()
    {
        Check S = new(Verdict.Supported, "s"), N = new(Verdict.NotSupported, "n"), I = new(Verdict.Inconclusive, "i");
        MethodVerdict.Of("m", [S, S]).Word.Should().Be(Verdict.Supported);
        MethodVerdict.Of("m", [S, I]).Word.Should().Be(Verdict.Inconclusive);
        MethodVerdict.Of("m", [S, I, N]).Word.Should().Be(Verdict.NotSupported);
        MethodVerdict.Of("m", []).Word.Should().Be(Verdict.Inconclusive);
        S.Negated("x").Word.Should().Be(Verdict.NotSupported);
        N.Negated("x").Word.Should().Be(Verdict.Supported);
        I.Negated("x").Word.Should().Be(Verdict.Inconclusive);
    }
}
