using Harness.Edits;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// The checks shared by the metrics that compare a correct and a wrong answer token per prompt:
/// last-position logits [n, vocab] and two id lists of length n, every id inside the vocabulary,
/// and the two answers of a prompt distinct (equal ones mean a broken dataset, not "no preference").
internal static class AnswerTokens
{
    public static void Check(string metric, Tensor logits, IReadOnlyList<int> correct, IReadOnlyList<int> wrong)
    {
        if (logits.dim() != 2)
            throw new HarnessException($"{metric}: logits must be [n, vocab] (last position of each prompt), got shape {Shape.Text(logits.shape)}");
        if (!logits.is_floating_point())
            throw new HarnessException($"{metric}: logits must be floating point, got {logits.dtype}");
        long n = logits.shape[0], vocab = logits.shape[1];
        if (n == 0) throw new HarnessException($"{metric}: no prompts (logits have shape {Shape.Text(logits.shape)})");
        if (correct.Count != n)
            throw new HarnessException($"{metric}: correct ids has {correct.Count} entries for {n} prompts (logits {Shape.Text(logits.shape)})");
        if (wrong.Count != n)
            throw new HarnessException($"{metric}: wrong ids has {wrong.Count} entries for {n} prompts (logits {Shape.Text(logits.shape)})");
        for (int i = 0; i < n; i++)
        {
            if (correct[i] < 0 || correct[i] >= vocab)
                throw new HarnessException($"{metric}: correct id {correct[i]} of prompt {i} is outside the vocabulary of {vocab}");
            if (wrong[i] < 0 || wrong[i] >= vocab)
                throw new HarnessException($"{metric}: wrong id {wrong[i]} of prompt {i} is outside the vocabulary of {vocab}");
            if (correct[i] == wrong[i])
                throw new HarnessException($"{metric}: prompt {i} has the same correct and wrong id ({correct[i]})");
        }
    }

    /// values[i, correct[i]] and values[i, wrong[i]] as float64 arrays (gathered first, then
    /// widened: the same numbers as widening the whole [n, vocab] tensor, without copying it).
    public static (double[] Correct, double[] Wrong) Gather(Tensor values, IReadOnlyList<int> correct, IReadOnlyList<int> wrong)
    {
        using var scope = NewDisposeScope();
        var c = values.gather(1, tensor(correct.Select(x => (long)x).ToArray(), device: values.device).unsqueeze(1)).squeeze(1);
        var w = values.gather(1, tensor(wrong.Select(x => (long)x).ToArray(), device: values.device).unsqueeze(1)).squeeze(1);
        return (c.to_type(ScalarType.Float64).cpu().data<double>().ToArray(), w.to_type(ScalarType.Float64).cpu().data<double>().ToArray());
    }
}
