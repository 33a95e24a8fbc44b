using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// The "dumb approach" of the discussion: the gradient, with respect to the residual stream at a
/// site, of the logit difference between the correct and the wrong answer, taken at each training
/// prompt's last position and averaged over the prompts, then normalised to a unit vector.
///
/// With `byLabel` (the default) each prompt's difference is oriented towards the first label's
/// answer (correct - wrong for prompts of the first label, wrong - correct for the others: " she" -
/// " he" on every gender prompt), so that the prompts of the two labels add up instead of cancelling;
/// without it the plain correct - wrong is used. The gradient comes from autograd through a
/// keepGraph capture at the site (ModelHooks.Capture), one batch at a time.
public static class GradientDirection
{
    /// The unnormalised mean gradient [d] (float64).
    public static Tensor Mean(LanguageModel model, string site, PromptSet prompts, bool byLabel, int batchSize)
    {
        using var outer = NewDisposeScope();
        var sum = zeros(model.Config.DModel, dtype: ScalarType.Float64);
        using (enable_grad())
        {
            foreach (var (batch, offset) in ModelPasses.Batches(prompts.Ids, batchSize))
            {
                using var scope = NewDisposeScope();
                using var capture = model.Hooks.Capture(site, keepGraph: true);
                var logits = model.LastTokenLogits(batch);                       // [b, vocab]
                var n = batch.Count;
                var correct = tensor(prompts.Correct.Skip(offset).Take(n).Select(i => (long)i).ToArray(), device: logits.device);
                var wrong = tensor(prompts.Wrong.Skip(offset).Take(n).Select(i => (long)i).ToArray(), device: logits.device);
                var sign = tensor(prompts.Labels.Skip(offset).Take(n).Select(l => byLabel && l != 0 ? -1.0 : 1.0).ToArray(), device: logits.device).to(logits.dtype);
                var difference = logits.gather(1, correct.unsqueeze(1)).squeeze(1) - logits.gather(1, wrong.unsqueeze(1)).squeeze(1);
                var total = (difference * sign).sum();
                var grad = autograd.grad([total], [capture.Last])[0];            // [b, t, d]
                var last = tensor(batch.Select(p => (long)p.Length - 1).ToArray(), device: grad.device);
                var atLast = grad.index(TensorIndex.Tensor(arange(n, device: grad.device)), TensorIndex.Tensor(last));
                sum.add_(atLast.to(ScalarType.Float64).cpu().sum(dim: 0));
            }
        }
        return (sum / prompts.Count).MoveToOuterDisposeScope();
    }

    /// The normalised direction [d] (float64); a zero gradient is an error.
    public static Tensor Direction(LanguageModel model, string site, PromptSet prompts, bool byLabel, int batchSize)
    {
        using var scope = NewDisposeScope();
        var g = Mean(model, site, prompts, byLabel, batchSize);
        double norm = g.norm().item<double>();
        if (!(norm > 0) || !double.IsFinite(norm))
            throw new HarnessException($"gradient: the gradient of the logit difference at {site} over {prompts.File} is {(norm == 0 ? "zero" : "not finite")}; it gives no direction");
        return (g / norm).MoveToOuterDisposeScope();
    }
}
