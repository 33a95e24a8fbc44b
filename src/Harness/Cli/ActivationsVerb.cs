using System.CommandLine;
using Harness.Experiments;
using Harness.Hooks;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness activations`: the residual stream at one hook site for a set of prompts, as a float32
/// .npy array [rows, d]: one row per prompt (its last token) or one per token of every prompt.
public sealed class ActivationsVerb : Verb
{
    private readonly ModelOptions _model;
    private readonly Option<string> _site, _npy, _positions;
    private readonly Option<bool> _force;
    private readonly Option<int> _batchSize;
    private readonly PromptSource _prompts;

    public ActivationsVerb() : base("activations", "activations at a hook site for prompts, as a float32 .npy [rows, d]",
        "Writes the residual stream at one hook site for the prompts of --text or --dataset as a float32\n" +
        "array [rows, d]. Rows follow the prompts' order; with --positions all, each prompt contributes\n" +
        "one row per token.")
    {
        _model = new ModelOptions(Command);
        _site = Add(TypedOption.Text("--site", "S", "blocks.{l}.hook_resid_pre | blocks.{l}.hook_resid_mid | blocks.{l}.hook_resid_post | ln_final", required: true));
        _prompts = new PromptSource(Command);
        _npy = Add(TypedOption.Text("--npy", "OUT.npy", "where to write the float32 array [rows, d]", required: true));
        _force = Add(TypedOption.Switch("--force", "replace OUT.npy if it exists (never an input: the dataset or the model's files)"));
        _positions = Add(TypedOption.Choice("--positions", "last: each prompt's last token; all: every token", "last", "last", "all"));
        _batchSize = Add(TypedOption.Integer("--batch-size", "N", "prompts per forward pass", 16, min: 1));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var modelArgs = _model.Read(args);
        var site = args.Value(_site);
        var npy = args.Value(_npy);
        bool force = args.Get(_force);
        var positions = args.Value(_positions);
        int batchSize = args.Get(_batchSize);
        var texts = _prompts.Read(args, Name);
        var tokenizer = Gpt2Tokenizer.Instance;
        var prompts = texts.Select((t, i) =>
        {
            var ids = tokenizer.Encode(t);
            return ids.Length > 0 ? ids : throw new UsageException($"activations: prompt {i + 1} has no tokens");
        }).ToList();

        var resolved = modelArgs.Resolve();
        HookSite.Check(site, ModelConfig.Load(resolved.ConfigPath).NLayers); // an unknown site fails before the load
        var inputs = ModelArguments.Inputs(resolved).ToList();
        if (_prompts.Dataset(args) is { } dataset) inputs.Add(new InputFile("--dataset", dataset));
        OutputFile.Check("--npy", npy, force, inputs);
        var model = modelArgs.Open(Name, resolved, stderr);
        using var outer = NewDisposeScope();
        stderr.WriteLine($"activations: {prompts.Count} prompts, {batchSize} per forward pass");
        var (all, _) = ModelPasses.Capture(model, site, prompts, positions == "last" ? Positions.Last : Positions.All, batchSize);
        Npy.Write(npy, all);
        stdout.WriteLine($"wrote {npy}: [{all.shape[0]}, {all.shape[1]}] float32 ({site}, positions {positions}, {prompts.Count} prompts)");
        return 0;
    }
}
