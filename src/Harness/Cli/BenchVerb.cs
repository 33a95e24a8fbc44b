using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness bench`: forward-pass throughput of a randomly initialised model (GPT-2-small shape by
/// default, no checkpoint needed) and the process's memory over many passes, to show that memory
/// stays flat. Performance numbers live here, never in timed tests.
public sealed class BenchVerb : Verb
{
    private readonly Option<bool> _sweep, _hooks;
    private readonly Option<int> _passes, _batch, _tokens, _layers, _dModel, _heads, _threads;
    private readonly Option<string> _family, _logits, _device;

    public BenchVerb() : base("bench", "forward-pass throughput (tokens/s) and memory over many passes, random weights",
        "Runs N forward passes of a [B, T] batch through a random model and reports tokens/s and resident memory.")
    {
        _passes = Add(TypedOption.Integer("--passes", "N", "timed forward passes per shape, after 3 warm-up passes (default 200; 1000 with --sweep)", min: 1));
        _sweep = Add(TypedOption.Switch("--sweep", "every shape in turn: batch 1, 4, 8 x 16, 64, 128 tokens, hooks off and on; growth per shape"));
        _batch = Add(TypedOption.Integer("--batch", "B", "prompts per pass", 4, min: 1));
        _tokens = Add(TypedOption.Integer("--tokens", "T", "tokens per prompt", 64, min: 1));
        _layers = Add(TypedOption.Integer("--layers", "L", "blocks (12 as GPT-2 small)", 12, min: 1));
        _dModel = Add(TypedOption.Integer("--d-model", "D", "residual width", 768, min: 1));
        _heads = Add(TypedOption.Integer("--heads", "H", "attention heads", 12, min: 1));
        _family = Add(TypedOption.Choice("--family", "gpt_neo: window 256, alternating global/local", "gpt2", "gpt2", "gpt_neo"));
        _threads = Add(TypedOption.Integer("--threads", "N", "LibTorch intra-op threads (0: LibTorch's choice)", 0, min: 0));
        _hooks = Add(TypedOption.Switch("--hooks", "also capture blocks.{L/2}.hook_resid_post and replace it (identity) on every pass"));
        _logits = Add(TypedOption.Choice("--logits", "unembed each prompt's last token only, as experiments do, or every position", "last", "last", "all"));
        _device = Add(ModelOptions.Device());
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        bool sweep = args.Get(_sweep);
        int passes = args.Given(_passes) ? args.Get(_passes) : sweep ? 1000 : 200;
        int batch = args.Get(_batch);
        int tokens = args.Get(_tokens);
        int layers = args.Get(_layers);
        int dModel = args.Get(_dModel);
        int heads = args.Get(_heads);
        var family = args.Value(_family);
        int threads = args.Get(_threads);
        bool hooks = args.Get(_hooks);
        bool allLogits = args.Value(_logits) == "all";
        var device = LoadOptions.ResolveDevice(args.Value(_device));
        if (sweep && (args.Given(_batch) || args.Given(_tokens) || args.Given(_hooks)))
            throw new UsageException("bench: --sweep runs its own batches, token counts and hooks; drop --batch, --tokens and --hooks");
        if (threads > 0) set_num_threads(threads);

        var config = family == "gpt2"
            ? ModelConfig.Gpt2(layers, dModel, heads, nPositions: Math.Max(1024, SweepTokens.Append(tokens).Max()))
            : ModelConfig.GptNeo(layers, dModel, heads, windowSize: 256, nPositions: Math.Max(2048, SweepTokens.Append(tokens).Max()));
        var model = LanguageModel.Create(config, seed: 0).Freeze();
        model.to(device);
        stdout.WriteLine($"bench: {config}; random weights, float32, {device.type}, {get_num_threads()} threads; {(allLogits ? "logits at every position" : "last-token logits")}; {GlibcAllocator.Describe()}");

        var shapes = sweep
            ? (from h in new[] { false, true } from b in SweepBatches from t in SweepTokens select new Shape(b, t, h)).ToArray()
            : new[] { new Shape(batch, tokens, hooks) };
        if (sweep) stdout.WriteLine($"sweep: {shapes.Length} shapes, {passes} passes each after 3 warm-up passes; growth = resident memory after the last pass minus after warm-up");
        var results = new List<(Shape Shape, Measurement M)>();
        foreach (var shape in shapes)
        {
            var m = Measure(model, shape, passes, allLogits, sweep ? null : stdout, stderr);
            results.Add((shape, m));
            if (sweep)
                stdout.WriteLine(Line($"{shape}: {m.TokensPerSecond,8:F0} tokens/s, rss {m.RssWarm,7:F1} -> {m.RssEnd,7:F1} MiB (max {m.RssMax,7:F1}), growth {m.Growth,7:+0.0;-0.0} MiB"));
        }
        if (sweep)
        {
            var worst = results.MaxBy(r => r.M.Growth);
            stdout.WriteLine(Line($"sweep: largest growth {worst.M.Growth:+0.0;-0.0} MiB at {worst.Shape}; resident memory over the whole sweep {results[0].M.RssWarm:F1} -> {results[^1].M.RssEnd:F1} MiB; {GlibcAllocator.Trims} heap trims"));
        }
        return 0;
    }

    private static readonly int[] SweepBatches = { 1, 4, 8 };
    private static readonly int[] SweepTokens = { 16, 64, 128 };

    private sealed record Shape(int Batch, int Tokens, bool Hooks)
    {
        public override string ToString() => $"batch {Batch,2} x {Tokens,4} tokens, hooks {(Hooks ? "on " : "off")}";
    }

    private sealed record Measurement(double RssWarm, double RssEnd, double RssMax, double TokensPerSecond)
    {
        // Rounded first, so that a growth of -0.04 MiB prints as +0.0, not -0.0.
        public double Growth => Math.Round(RssEnd - RssWarm, 1) + 0.0;
    }

    /// `passes` timed passes of one shape after 3 warm-up passes. With `report` set (a single-shape
    /// run), prints the warm-up line, progress on stderr and the throughput and memory lines.
    private static Measurement Measure(LanguageModel model, Shape shape, int passes, bool allLogits, TextWriter? report, TextWriter stderr)
    {
        var random = new Random(1);
        var prompts = Enumerable.Range(0, shape.Batch).Select(_ => Enumerable.Range(0, shape.Tokens).Select(_ => random.Next(model.Config.VocabSize)).ToArray()).ToArray();
        using var batchIds = TokenBatch.RightPadded(prompts, model.Device);
        var site = Hooks.HookSite.ResidPost(model.Config.NLayers / 2);
        using var capture = shape.Hooks ? model.Hooks.Capture(site) : null;
        using var replace = shape.Hooks ? model.Hooks.Replace(site, x => x) : null;
        void Pass()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = allLogits ? model.forward(batchIds.Ids) : model.LastTokenLogits(prompts);
            _ = logits.sum().item<float>(); // wait for the result (matters on CUDA)
            capture?.Clear();
        }

        var process = Process.GetCurrentProcess();
        double Rss() { process.Refresh(); return process.WorkingSet64 / (1024.0 * 1024.0); }
        double rssStart = Rss();
        for (int i = 0; i < 3; i++) Pass();
        double rssWarm = Rss(), rssMax = rssWarm;
        long liveWarm = Tensor.TotalCount;
        report?.WriteLine(Line($"after warm-up: rss {rssWarm:F1} MiB (at start {rssStart:F1} MiB), live tensors {liveWarm}"));

        var clock = Stopwatch.StartNew();
        int every = Math.Max(1, passes / 10);
        for (int i = 1; i <= passes; i++)
        {
            Pass();
            if (i % every == 0 || i == passes)
            {
                double rss = Rss();
                rssMax = Math.Max(rssMax, rss);
                // Plain lines, not a progress bar: they must show when output is redirected.
                stderr.WriteLine(Line($"bench: {shape}: pass {i}/{passes}: rss {rss:F1} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB, live tensors {Tensor.TotalCount}, {i * (double)shape.Batch * shape.Tokens / clock.Elapsed.TotalSeconds:F0} tokens/s"));
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double rssEnd = Rss();
        var m = new Measurement(rssWarm, rssEnd, rssMax, passes * (double)shape.Batch * shape.Tokens / seconds);
        report?.WriteLine(Line($"throughput: {m.TokensPerSecond:F0} tokens/s ({passes / seconds:F2} passes/s, {seconds:F1} s for {passes} passes)"));
        report?.WriteLine(Line($"memory: rss after warm-up {rssWarm:F1} MiB, at end {rssEnd:F1} MiB, max {rssMax:F1} MiB (growth {m.Growth:+0.0;-0.0} MiB); live tensors {liveWarm} -> {Tensor.TotalCount}"));
        return m;
    }

    private static string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
