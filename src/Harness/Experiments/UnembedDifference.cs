using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// The difference of the unembedding rows of the two answer tokens that most often appear together
/// as (correct, wrong) in a concept dataset's training prompts, e.g. " she" - " he", normalised.
/// The first token is the one that is correct for the first label (" she" for gender). GPT-2's
/// unembedding is tied to its embedding, so at blocks.0.hook_resid_pre this is also the embedding
/// difference of the two tokens.
public static class UnembedDifference
{
    /// The two tokens, first-label answer first.
    public static (int Positive, int Negative) Tokens(PromptSet prompts)
    {
        var counts = new Dictionary<(int, int), int>();
        var order = new List<(int, int)>();
        for (int i = 0; i < prompts.Count; i++)
        {
            var key = (Math.Min(prompts.Correct[i], prompts.Wrong[i]), Math.Max(prompts.Correct[i], prompts.Wrong[i]));
            if (!counts.ContainsKey(key)) { counts[key] = 0; order.Add(key); }
            counts[key]++;
        }
        var (a, b) = order.OrderByDescending(k => counts[k]).First();   // stable: ties keep file order
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts.Labels[i] != 0) continue;
            if (prompts.Correct[i] == a && prompts.Wrong[i] == b) return (a, b);
            if (prompts.Correct[i] == b && prompts.Wrong[i] == a) return (b, a);
        }
        return (a, b);
    }

    /// The normalised difference [d] (float64).
    public static Tensor Direction(LanguageModel model, PromptSet prompts)
    {
        var (positive, negative) = Tokens(prompts);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = model.TokenEmbedding;
        var v = (w[positive] - w[negative]).to(ScalarType.Float64).cpu();
        double norm = v.norm().item<double>();
        if (!(norm > 0))
            throw new HarnessException($"unembed-diff: the unembedding rows of tokens {positive} and {negative} are equal; they give no direction");
        return (v / norm).MoveToOuterDisposeScope();
    }
}
