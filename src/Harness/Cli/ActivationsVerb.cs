using Harness.Hooks;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness activations`: the residual stream at one hook site for a set of prompts, as a float32
/// .npy array [rows, d]: one row per prompt (its last token) or one per token of every prompt.
public sealed class ActivationsVerb : IVerb
{
    public string Name => "activations";
    public string Summary => "activations at a hook site for prompts, as a float32 .npy [rows, d]";
    public string Help =>
        "usage: harness activations --model DIR --site S (--text T... | --dataset FILE) --npy OUT.npy [--force] [--positions all|last] [--batch-size N]\n" +
        "Rows follow the prompts' order; with --positions all, each prompt contributes one row per token.\n" +
        ModelArguments.Help +
        "  --site S            blocks.{l}.hook_resid_pre | blocks.{l}.hook_resid_mid | blocks.{l}.hook_resid_post | ln_final\n" +
        PromptSource.Help +
        "  --npy OUT.npy       where to write the float32 array [rows, d]\n" +
        "  --force             replace OUT.npy if it exists (never an input: the dataset or the model's files)\n" +
        "  --positions P       last (default): each prompt's last token; all: every token\n" +
        "  --batch-size N      prompts per forward pass (default 16)\n";

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var modelArgs = ModelArguments.Read(args);
        var site = args.Required("site");
        var npy = args.Required("npy");
        bool force = args.Flag("force");
        var positions = args.Choice("positions", "last", "last", "all");
        int batchSize = args.Int("batch-size", 16, min: 1);
        var texts = PromptSource.Read(args, Name);
        args.RejectUnknown();
        var tokenizer = Gpt2Tokenizer.Instance;
        var prompts = texts.Select((t, i) =>
        {
            var ids = tokenizer.Encode(t);
            return ids.Length > 0 ? ids : throw new UsageException($"activations: prompt {i + 1} has no tokens");
        }).ToList();

        var resolved = modelArgs.Resolve();
        HookSite.Check(site, ModelConfig.Load(resolved.ConfigPath).NLayers); // an unknown site fails before the load
        var inputs = ModelArguments.Inputs(resolved).ToList();
        if (args.Optional("dataset") is { } dataset) inputs.Add(new InputFile("--dataset", dataset));
        OutputFile.Check("--npy", npy, force, inputs);
        var model = modelArgs.Open(Name, resolved, stderr);
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            Interruption.ThrowIfRequested();
            var chunk = prompts.Skip(start).Take(batchSize).ToList();
            using (var scope = NewDisposeScope())
            using (var capture = model.Hooks.Capture(site))
            using (var batch = TokenBatch.RightPadded(chunk, model.Device))
            {
                model.FinalHidden(batch.Ids);
                var acts = capture.Last; // [batch, tokens, d]
                var rows = positions == "last"
                    ? acts.index(TensorIndex.Tensor(arange(chunk.Count, device: acts.device)), TensorIndex.Tensor(batch.LastPositions()))
                    : cat(chunk.Select((p, b) => acts[b, TensorIndex.Slice(0, p.Length)]).ToArray(), 0);
                parts.Add(rows.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
            }
            stderr.WriteLine($"activations: {Math.Min(start + batchSize, prompts.Count)}/{prompts.Count} prompts");
        }
        var all = cat(parts, 0);
        Npy.Write(npy, all);
        stdout.WriteLine($"wrote {npy}: [{all.shape[0]}, {all.shape[1]}] float32 ({site}, positions {positions}, {prompts.Count} prompts)");
        return 0;
    }
}
