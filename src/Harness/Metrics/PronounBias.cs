using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// The thread's bias metric ("probability ratio relative to the bigger probability"): for a prompt
/// whose correct next token is c and wrong one w, with p the softmax probability at the last
/// position,
///
///     b = (p_c - p_w) / max(p_c, p_w)
///
/// and the bias is the mean of b over prompts: 1 = always right (p_w negligible), 0 = no
/// preference, negative = inverted (-1 = always wrong).
public sealed record PronounBiasResult(
    /// Mean of b over prompts.
    double Bias,
    /// Fraction of prompts with p_c > p_w (ties count as wrong).
    double Accuracy,
    /// b per prompt.
    double[] PerPrompt,
    /// p_c per prompt.
    double[] CorrectProbability,
    /// p_w per prompt.
    double[] WrongProbability);

public static class PronounBias
{
    /// lastLogits: [n, vocab], each prompt's logits at its own last real token. correctIds and
    /// wrongIds: one token id per prompt.
    public static PronounBiasResult Compute(Tensor lastLogits, IReadOnlyList<int> correctIds, IReadOnlyList<int> wrongIds)
    {
        AnswerTokens.Check("pronoun bias", lastLogits, correctIds, wrongIds);
        double[] lc, lw;
        using (NewDisposeScope())
        {
            // log p = logit - logsumexp(logits), in float64 (probabilities of 1e-30 stay exact, sums
            // of exps do not overflow), the logsumexp in chunks of rows (PositionRows.Chunk) so that
            // no float64 copy of the whole [n, vocab] exists.
            var logits = lastLogits.detach();
            (lc, lw) = AnswerTokens.Gather(logits, correctIds, wrongIds);
            long n = logits.shape[0];
            var lse = new double[n];
            PositionRows.SumInChunks(n, (lo, hi) =>
            {
                logits[TensorIndex.Slice(lo, hi)].to_type(ScalarType.Float64).logsumexp(1).cpu().data<double>().ToArray().CopyTo(lse, lo);
                return 0;
            });
            for (int i = 0; i < n; i++) { lc[i] -= lse[i]; lw[i] -= lse[i]; }
        }
        var b = new double[lc.Length];
        int right = 0;
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = Score(lc[i], lw[i]);
            if (lc[i] > lw[i]) right++;
        }
        return new PronounBiasResult(b.Average(), (double)right / b.Length, b,
            lc.Select(Math.Exp).ToArray(), lw.Select(Math.Exp).ToArray());
    }

    /// b from the two log-probabilities. (p_c - p_w) / max(p_c, p_w) is 1 - p_w/p_c when p_c >= p_w
    /// and p_c/p_w - 1 otherwise, i.e. sign(D) (1 - exp(-|D|)) with D = log p_c - log p_w: computed
    /// this way it never divides 0 by 0, even when both probabilities underflow. Equal
    /// log-probabilities (both impossible included) give 0.
    public static double Score(double logProbCorrect, double logProbWrong)
    {
        if (logProbCorrect == logProbWrong) return 0;
        double delta = logProbCorrect - logProbWrong;
        return delta > 0 ? -double.ExpM1(-delta) : double.ExpM1(delta);
    }
}
