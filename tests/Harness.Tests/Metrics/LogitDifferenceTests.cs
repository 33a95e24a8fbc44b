using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

public class LogitDifferenceTests
{
    [Test]
    public void MeanOfCorrectMinusWrongLogits()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 1, 4, -2, 0.5f, 0, 3 }, [2, 3]);
        // Prompt 0: 4 - (-2) = 6; prompt 1: 0.5 - 3 = -2.5.
        var result = LogitDifference.Compute(logits, new[] { 1, 0 }, new[] { 2, 2 });
        result.PerPrompt.Should().Equal(6.0, -2.5);
        result.Mean.Should().Be(1.75);
    }

    [Test]
    public void RejectsMismatchedIds()
    {
        using var scope = NewDisposeScope();
        var act = () => LogitDifference.Compute(zeros(2, 3), new[] { 0 }, new[] { 1, 2 });
        act.Should().Throw<HarnessException>().WithMessage("logit difference: correct ids has 1 entries for 2 prompts (logits [2, 3])");
    }
}
