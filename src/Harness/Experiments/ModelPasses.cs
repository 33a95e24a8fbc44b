using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// Registers whatever hooks a batch needs (an edit at a site, a patch) and returns the handle that
/// removes them; `offset` is the index of the batch's first item in the whole set. Null: no hooks.
public delegate IDisposable? BatchHook(IReadOnlyList<int[]> batch, int offset);

/// The forward passes of the runner, in fixed batches of consecutive items (so batch composition,
/// and with it every number, is the same on every run), right-padded, each batch in its own
/// dispose scope and without autograd. Every batch (and every generated token) is a point where a
/// Ctrl-C stops the run (Interruption).
public static class ModelPasses
{
    /// Each prompt's next-token logits at its last real token: float32 [n, vocab].
    public static Tensor LastLogits(LanguageModel model, IReadOnlyList<int[]> prompts, int batchSize, BatchHook? hook = null)
    {
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        try
        {
            foreach (var (batch, offset) in Batches(prompts, batchSize))
            {
                using var scope = NewDisposeScope();
                using var hooks = hook?.Invoke(batch, offset);
                parts.Add(model.LastTokenLogits(batch).to(ScalarType.Float32).cpu().DetachFromDisposeScope());
            }
            using var outer = NewDisposeScope();
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// Each batch's next-token logits at its prompts' last real tokens, float32 [b, vocab], handed to
    /// `measure` with the index of the batch's first prompt while the batch's scope is open (the
    /// tensor is gone after it returns): for metrics that need no [n, vocab] tensor of the set. With
    /// `start` (the prompts' activations at a site, CaptureBatches) each batch runs from that site on,
    /// as AnswerDifferences does.
    public static void LastLogitBatches(LanguageModel model, IReadOnlyList<int[]> prompts, int batchSize, BatchHook? hook, Action<int, Tensor> measure, SiteActivations? start = null)
    {
        CheckStart(start, prompts.Count, batchSize);
        using var noGrad = no_grad();
        int index = 0;
        foreach (var (batch, offset) in Batches(prompts, batchSize))
        {
            using var scope = NewDisposeScope();
            using var hooks = hook?.Invoke(batch, offset);
            if (start is null)
                measure(offset, model.LastTokenLogits(batch).to(ScalarType.Float32).cpu());
            else
            {
                using var tokens = TokenBatch.RightPadded(batch, model.Device);
                measure(offset, model.Unembed(LastHidden(model, tokens, batch.Count, start, index)).to(ScalarType.Float32).cpu());
            }
            index++;
        }
    }

    /// The final hidden state at each prompt's last real token [b, d], from the tokens or, with
    /// `start`, from batch `index` of the activations at its site.
    private static Tensor LastHidden(LanguageModel model, TokenBatch tokens, int count, SiteActivations? start, int index)
    {
        var hidden = start is null ? model.FinalHidden(tokens.Ids) : model.FinalHiddenFrom(start.Site, start.Batches[index]);
        return tokens.AtLastTokens(hidden);
    }

    private static void CheckStart(SiteActivations? start, int count, int batchSize)
    {
        if (start is not null && (start.BatchSize != batchSize || start.Count != count))
            throw new ArgumentException($"activations at {start.Site} were captured for {start.Count} prompts in batches of {start.BatchSize}, not {count} in batches of {batchSize}");
    }

    /// logit_c - logit_w at each prompt's last real token, without the vocabulary projection: the
    /// final hidden state times W[c] - W[w] (the tied unembedding), in float64. The same numbers as
    /// LogitDifference on LastLogits up to float32 rounding, at a fraction of the cost; pronoun_bias
    /// is a function of it too (b = sign(D) (1 - exp(-|D|))), so this is all a null distribution of
    /// either metric needs. With `start` (the set's activations at a site, SiteActivations), each
    /// batch runs from that site on instead of from the tokens: hooks at the site and after it act
    /// as in a full pass, and the blocks before it are not run again.
    public static double[] AnswerDifferences(LanguageModel model, PromptSet set, int batchSize, BatchHook? hook = null, SiteActivations? start = null)
    {
        CheckStart(start, set.Count, batchSize);
        using var noGrad = no_grad();
        var result = new double[set.Count];
        int index = 0;
        foreach (var (batch, offset) in Batches(set.Ids, batchSize))
        {
            using var scope = NewDisposeScope();
            using var hooks = hook?.Invoke(batch, offset);
            using var tokens = TokenBatch.RightPadded(batch, model.Device);
            var last = LastHidden(model, tokens, batch.Count, start, index++);
            var correct = tensor(set.Correct.Skip(offset).Take(batch.Count).Select(i => (long)i).ToArray(), device: model.Device);
            var wrong = tensor(set.Wrong.Skip(offset).Take(batch.Count).Select(i => (long)i).ToArray(), device: model.Device);
            var w = model.TokenEmbedding;
            var direction = w.index_select(0, correct).to(ScalarType.Float64) - w.index_select(0, wrong).to(ScalarType.Float64);
            var d = (last.to(ScalarType.Float64) * direction).sum(1).cpu().data<double>().ToArray();
            d.CopyTo(result, offset);
        }
        return result;
    }

    /// The unedited activations at `site` of every batch of `prompts` ([b, t, d], right-padded as
    /// the batch runs), for passes that start there (AnswerDifferences).
    public static SiteActivations CaptureBatches(LanguageModel model, string site, IReadOnlyList<int[]> prompts, int batchSize)
    {
        using var noGrad = no_grad();
        var batches = new List<Tensor>();
        foreach (var (batch, _) in Batches(prompts, batchSize))
        {
            using var scope = NewDisposeScope();
            using var capture = model.Hooks.Capture(site);
            using var tokens = TokenBatch.RightPadded(batch, model.Device);
            model.FinalHidden(tokens.Ids);
            batches.Add(capture.Last.detach().clone().DetachFromDisposeScope());
        }
        return new SiteActivations(site, batchSize, prompts.Count, batches);
    }

    /// The activations at `site` of every text, at every real token ("all") or at the last one:
    /// float32 [rows, d] in text order, and for each row the index of its text.
    public static (Tensor Rows, int[] TextOfRow) Capture(LanguageModel model, string site, IReadOnlyList<int[]> texts, Positions positions, int batchSize)
    {
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        var textOfRow = new List<int>();
        try
        {
            foreach (var (batch, offset) in Batches(texts, batchSize))
            {
                using var scope = NewDisposeScope();
                using var capture = model.Hooks.Capture(site);
                using var tokens = TokenBatch.RightPadded(batch, model.Device);
                model.FinalHidden(tokens.Ids);
                var acts = capture.Last;                                   // [b, t, d]
                var selected = positions == Positions.All ? TokenBatch.RealTokens(acts, tokens.Lengths) : tokens.AtLastTokens(acts);
                for (int b = 0; b < batch.Count; b++)
                    textOfRow.AddRange(Enumerable.Repeat(offset + b, positions == Positions.All ? batch[b].Length : 1));
                parts.Add(selected.to(ScalarType.Float32).cpu().DetachFromDisposeScope());
            }
            using var outer = NewDisposeScope();
            return (cat(parts, 0).MoveToOuterDisposeScope(), textOfRow.ToArray());
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// Greedy continuations of `maxNewTokens` tokens (the generated ids only), batched; hooks stay
    /// registered for the whole generation, so an edit applies at every step.
    public static int[][] Greedy(LanguageModel model, IReadOnlyList<int[]> prompts, int maxNewTokens, int batchSize, BatchHook? hook = null)
    {
        using var noGrad = no_grad();
        var result = new int[prompts.Count][];
        foreach (var (batch, offset) in Batches(prompts, batchSize))
        {
            using var hooks = hook?.Invoke(batch, offset);
            var sequences = batch.Select(p => p.ToList()).ToList();
            for (int step = 0; step < maxNewTokens; step++)
            {
                Interruption.ThrowIfRequested();
                using var scope = NewDisposeScope();
                var logits = model.LastTokenLogits(sequences.Select(s => s.ToArray()).ToArray());
                var next = logits.argmax(1).cpu().data<long>().ToArray();
                for (int b = 0; b < sequences.Count; b++) sequences[b].Add((int)next[b]);
            }
            for (int b = 0; b < batch.Count; b++) result[offset + b] = sequences[b].Skip(batch[b].Length).ToArray();
        }
        return result;
    }

    /// Consecutive batches of at most `size` items, with the index of each batch's first item.
    public static IEnumerable<(IReadOnlyList<int[]> Batch, int Offset)> Batches(IReadOnlyList<int[]> items, int size)
    {
        for (int offset = 0; offset < items.Count; offset += size)
        {
            Interruption.ThrowIfRequested();
            yield return (items.Skip(offset).Take(size).ToArray(), offset);
        }
    }
}

/// A prompt set's unedited activations at one site, batch by batch (ModelPasses.CaptureBatches).
/// Owns its tensors.
public sealed class SiteActivations(string site, int batchSize, int count, IReadOnlyList<Tensor> batches) : IDisposable
{
    public string Site { get; } = site;
    public int BatchSize { get; } = batchSize;
    public int Count { get; } = count;
    public IReadOnlyList<Tensor> Batches { get; } = batches;

    public void Dispose()
    {
        foreach (var b in Batches) b.Dispose();
    }
}
