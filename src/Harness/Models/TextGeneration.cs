using static TorchSharp.torch;

namespace Harness.Models;

/// How to pick each next token: greedy (the most likely token) unless TopK is set, in which case
/// the token is sampled from the K most likely, with probabilities softmax(logits / Temperature),
/// using a System.Random seeded with Seed (so a seed gives the same text on every machine with the
/// same logits).
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 20;
    public int? TopK { get; init; }
    public long Seed { get; init; }
    public double Temperature { get; init; } = 1.0;
    /// Stop after emitting <|endoftext|>.
    public bool StopAtEndOfText { get; init; } = true;
}

/// Autoregressive generation. Every step runs the whole sequence through the model (no key/value
/// cache), so hooks registered on the model apply to every step, at every position, exactly as
/// they do in a single forward pass.
public static class TextGeneration
{
    /// The new tokens (not including the prompt).
    public static int[] Generate(this LanguageModel model, IReadOnlyList<int> prompt, GenerationOptions options)
    {
        if (prompt.Count == 0) throw new HarnessException("generate: the prompt has no tokens");
        if (options.MaxNewTokens < 0) throw new HarnessException("generate: the number of new tokens must not be negative");
        if (options.TopK is <= 0) throw new HarnessException($"generate: top-k must be positive, got {options.TopK}");
        if (prompt.Count + options.MaxNewTokens > model.Config.NPositions)
            throw new HarnessException($"generate: prompt of {prompt.Count} tokens + {options.MaxNewTokens} new tokens is longer than the position table of {model.Config.Source} ({model.Config.NPositions} positions)");
        var random = new Random(unchecked((int)options.Seed ^ (int)(options.Seed >> 32)));
        var sequence = prompt.ToList();
        var generated = new List<int>();
        using var noGrad = no_grad();
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            Interruption.ThrowIfRequested();
            int next;
            using (var scope = NewDisposeScope())
            {
                var logits = model.LastTokenLogits(new[] { sequence.ToArray() })[0].to(ScalarType.Float64).cpu();
                next = options.TopK is int k ? Sample(logits.data<double>().ToArray(), k, options.Temperature, random) : (int)logits.argmax().item<long>();
            }
            sequence.Add(next);
            generated.Add(next);
            if (options.StopAtEndOfText && next == Gpt2Tokenizer.EndOfText) break;
        }
        return generated.ToArray();
    }

    /// Samples among the k largest logits; ties broken by the lower id so the order is deterministic.
    internal static int Sample(double[] logits, int k, double temperature, Random random)
    {
        var top = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(k).ToArray();
        double max = logits[top[0]];
        var weights = top.Select(i => Math.Exp((logits[i] - max) / temperature)).ToArray();
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < top.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return top[i];
        }
        return top[^1];
    }
}
