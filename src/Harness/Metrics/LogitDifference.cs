using static TorchSharp.torch;

namespace Harness.Metrics;

/// The mean of logit_c - logit_w over prompts (correct minus wrong answer token at the last
/// position): the usual interpretability metric, linear in the residual stream at the last layer,
/// which is why its gradient is a natural baseline direction. Same as log p_c - log p_w.
public sealed record LogitDifferenceResult(double Mean, double[] PerPrompt);

public static class LogitDifference
{
    /// lastLogits: [n, vocab]; correctIds, wrongIds: one token id per prompt.
    public static LogitDifferenceResult Compute(Tensor lastLogits, IReadOnlyList<int> correctIds, IReadOnlyList<int> wrongIds)
    {
        AnswerTokens.Check("logit difference", lastLogits, correctIds, wrongIds);
        var (c, w) = AnswerTokens.Gather(lastLogits.detach(), correctIds, wrongIds);
        var diff = c.Zip(w, (a, b) => a - b).ToArray();
        return new LogitDifferenceResult(diff.Average(), diff);
    }
}
