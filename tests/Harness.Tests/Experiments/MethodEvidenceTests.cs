using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// A method's verdict from its evidence: the interval on the claimed side of the boundary and the
/// effect beyond the null, else not supported; inconclusive without an interval or a null, or with
/// an interval too wide to say.
public class MethodEvidenceTests
{
    private static ResultRow Row(double effect, double low, double high, double? rank) =>
        new("e", "m", "s", "rlace", "project", "gender", "test", MetricNames.PronounBias, 0.5)
        {
            N = 300, CiLow = 0.45, CiHigh = 0.55, Effect = effect, EffectCiLow = low, EffectCiHigh = high, NullRank = rank,
        };

    private static string Word(ResultRow row, bool below = true) =>
        MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, below, 0, MethodEvidence.MaxBiasWidth).Word;

    [Test]
    public void SupportedOnlyWhenTheIntervalExcludesTheBoundaryAndTheEffectBeatsTheNull()
    {
        Word(Row(-0.45, -0.47, -0.43, 0.0099)).Should().Be(Verdict.Supported);
        Word(Row(-0.45, -0.47, -0.43, 0.0099), below: false).Should().Be(Verdict.NotSupported, "the effect is on the other side");
        Word(Row(-0.006, -0.008, -0.004, 0.059)).Should().Be(Verdict.NotSupported, "a real change that random directions match is not the concept's");
        Word(Row(-0.01, -0.03, 0.01, 0.0099)).Should().Be(Verdict.NotSupported, "the interval reaches 0");
        Word(Row(-0.2, -0.6, 0.05, 0.0099)).Should().Be(Verdict.Inconclusive, "an interval of width 0.65 is too wide to say");
        Word(Row(-0.45, -0.47, -0.43, null)).Should().Be(Verdict.Inconclusive, "no null, no verdict");
        Word(new ResultRow("e", "m", "s", "rlace", "project", "gender", "test", MetricNames.PronounBias, 0.5)).Should().Be(Verdict.Inconclusive);
    }

    [Test]
    public void TheLineNamesTheEffectItsIntervalAndItsNullRank()
    {
        MethodEvidence.Judge(Row(-0.449, -0.472, -0.427, 1 / 101.0), MethodEvidence.Quantity.Effect, true, 0, 0.5).Line
            .Should().Be("rlace: supported (effect -0.449 [-0.472, -0.427] < 0.000; null rank 0.010 <= 0.050)");
        MethodEvidence.Judge(Row(-0.2, -0.3, 0.1, 0.5), MethodEvidence.Quantity.Value, true, 0, 0.5).Line
            .Should().Be("rlace: not supported (value 0.500 [0.450, 0.550] not below 0.000; null rank 0.500 > 0.050)");
    }
}
