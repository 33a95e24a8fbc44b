using System.Diagnostics;
using Harness.Models;

namespace Harness.Cli;

/// `harness generate`: continues a text, greedily or by seeded top-k sampling.
public sealed class GenerateVerb : IVerb
{
    public string Name => "generate";
    public string Summary => "continue a text (greedy, or top-k sampling with a seed)";
    public string Help =>
        "usage: harness generate --model DIR --text T [--max-new-tokens N] [--greedy | --top-k K [--seed S] [--temperature X]]\n" +
        "Prints the text followed by its continuation; stops early at <|endoftext|>.\n" +
        ModelArguments.Help +
        "  --text T            the prompt\n" +
        "  --max-new-tokens N  how many tokens to add (default 20)\n" +
        "  --greedy            always take the most likely token (the default)\n" +
        "  --top-k K           sample among the K most likely tokens instead\n" +
        "  --seed S            the sampling seed (default 0)\n" +
        "  --temperature X     divide logits by X before sampling (default 1)\n";

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var modelArgs = ModelArguments.Read(args);
        var text = args.Required("text");
        int maxNew = args.Int("max-new-tokens", 20, min: 0);
        bool greedy = args.Flag("greedy");
        bool sampling = args.Has("top-k");
        int topK = args.Int("top-k", 0, min: 1);
        int seed = args.Int("seed", 0);
        double temperature = args.Double("temperature", 1.0);
        args.RejectUnknown();
        if (greedy && sampling) throw new UsageException("generate: give either --greedy or --top-k, not both");
        if (!sampling && (args.Has("seed") || args.Has("temperature")))
            throw new UsageException("generate: --seed and --temperature only apply with --top-k");
        if (!(temperature > 0)) throw new UsageException($"generate: --temperature must be positive, got {temperature}");
        var prompt = Gpt2Tokenizer.Instance.Encode(text);
        if (prompt.Length == 0) throw new UsageException("generate: --text has no tokens");

        var model = modelArgs.Open(Name, stderr);
        var clock = Stopwatch.StartNew();
        var options = new GenerationOptions { MaxNewTokens = maxNew, TopK = sampling ? topK : null, Seed = seed, Temperature = temperature };
        var generated = model.Generate(prompt, options);
        stderr.WriteLine($"generate: {generated.Length} new tokens in {clock.Elapsed.TotalSeconds:F1} s ({(sampling ? $"top-{topK}, seed {seed}" : "greedy")})");
        var continuation = Gpt2Tokenizer.Instance.Decode(generated.Where(id => id < Gpt2Tokenizer.VocabularySize));
        stdout.WriteLine(text + continuation);
        return 0;
    }
}
