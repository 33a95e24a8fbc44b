using System.CommandLine;
using System.Diagnostics;
using Harness.Models;

namespace Harness.Cli;

/// `harness generate`: continues a text, greedily or by seeded top-k sampling.
public sealed class GenerateVerb : Verb
{
    private readonly ModelOptions _model;
    private readonly Option<string> _text;
    private readonly Option<int> _maxNew, _topK, _seed;
    private readonly Option<bool> _greedy;
    private readonly Option<double> _temperature;

    public GenerateVerb() : base("generate", "continue a text (greedy, or top-k sampling with a seed)",
        "Prints the text followed by its continuation; stops early at <|endoftext|>. Greedy unless --top-k is given.")
    {
        _model = new ModelOptions(Command);
        _text = Add(TypedOption.Text("--text", "T", "the prompt", required: true));
        _maxNew = Add(TypedOption.Integer("--max-new-tokens", "N", "how many tokens to add", 20, min: 0));
        _greedy = Add(TypedOption.Switch("--greedy", "always take the most likely token (the default)"));
        _topK = Add(TypedOption.Integer("--top-k", "K", "sample among the K most likely tokens instead", min: 1));
        _seed = Add(TypedOption.Integer("--seed", "S", "the sampling seed (with --top-k)", 0));
        _temperature = Add(TypedOption.Number("--temperature", "X", "divide logits by X before sampling (with --top-k; positive)", 1.0));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var modelArgs = _model.Read(args);
        var text = args.Value(_text);
        int maxNew = args.Get(_maxNew);
        bool greedy = args.Get(_greedy);
        bool sampling = args.Given(_topK);
        int topK = args.Get(_topK);
        int seed = args.Get(_seed);
        double temperature = args.Get(_temperature);
        if (greedy && sampling) throw new UsageException("generate: give either --greedy or --top-k, not both");
        if (!sampling && (args.Given(_seed) || args.Given(_temperature)))
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
