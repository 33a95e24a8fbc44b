using System.Diagnostics;
using System.Globalization;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness bench`: forward-pass throughput of a randomly initialised model (GPT-2-small shape by
/// default, no checkpoint needed) and the process's memory over many passes, to show that memory
/// stays flat. Performance numbers live here, never in timed tests.
public sealed class BenchVerb : IVerb
{
    public string Name => "bench";
    public string Summary => "forward-pass throughput (tokens/s) and memory over many passes, random weights";
    public string Help =>
        "usage: harness bench [--passes N] [--batch B] [--tokens T] [--layers L] [--d-model D] [--heads H] [--family gpt2|gpt_neo] [--threads N] [--hooks] [--logits last|all]\n" +
        "Runs N forward passes of a [B, T] batch through a random model and reports tokens/s and resident memory.\n" +
        "  --passes N          timed forward passes (default 200), after 3 warm-up passes\n" +
        "  --batch B           prompts per pass (default 4)\n" +
        "  --tokens T          tokens per prompt (default 64)\n" +
        "  --layers L          blocks (default 12, as GPT-2 small)\n" +
        "  --d-model D         residual width (default 768)\n" +
        "  --heads H           attention heads (default 12)\n" +
        "  --family F          gpt2 (default) or gpt_neo (window 256, alternating global/local)\n" +
        "  --threads N         LibTorch intra-op threads (default: LibTorch's choice)\n" +
        "  --hooks             also capture blocks.{L/2}.hook_resid_post and replace it (identity) on every pass\n" +
        "  --logits last|all   unembed each prompt's last token only, as experiments do (default), or every position\n" +
        "  --device cpu|cuda   where to run (default cpu)\n";

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        int passes = args.Int("passes", 200, min: 1);
        int batch = args.Int("batch", 4, min: 1);
        int tokens = args.Int("tokens", 64, min: 1);
        int layers = args.Int("layers", 12, min: 1);
        int dModel = args.Int("d-model", 768, min: 1);
        int heads = args.Int("heads", 12, min: 1);
        var family = args.Choice("family", "gpt2", "gpt2", "gpt_neo");
        int threads = args.Int("threads", 0, min: 0);
        bool hooks = args.Flag("hooks");
        bool allLogits = args.Choice("logits", "last", "last", "all") == "all";
        var device = LoadOptions.ResolveDevice(args.Choice("device", "cpu", "cpu", "cuda"));
        args.RejectUnknown();
        if (threads > 0) set_num_threads(threads);

        var config = family == "gpt2"
            ? ModelConfig.Gpt2(layers, dModel, heads, nPositions: Math.Max(1024, tokens))
            : ModelConfig.GptNeo(layers, dModel, heads, windowSize: 256, nPositions: Math.Max(2048, tokens));
        var model = LanguageModel.Create(config, seed: 0).Freeze();
        model.to(device);
        var random = new Random(1);
        var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, tokens).Select(_ => random.Next(config.VocabSize)).ToArray()).ToArray();
        using var batchIds = TokenBatch.RightPadded(prompts, device);
        var allocator = GlibcAllocator.EnsureConfigured()
            ? $"glibc mmap threshold fixed at {GlibcAllocator.ThresholdBytes / 1024} KiB"
            : "allocator settings left as they are";
        stdout.WriteLine($"bench: {config}; random weights, float32, {device.type}, {get_num_threads()} threads; batch {batch} x {tokens} tokens, {(allLogits ? "logits at every position" : "last-token logits")}{(hooks ? "; capture + identity replace at one site" : "")}; {allocator}");

        var site = Hooks.HookSite.ResidPost(layers / 2);
        using var capture = hooks ? model.Hooks.Capture(site) : null;
        using var replace = hooks ? model.Hooks.Replace(site, x => x) : null;
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
        stdout.WriteLine(Line($"after warm-up: rss {rssWarm:F1} MiB (at start {rssStart:F1} MiB), live tensors {liveWarm}"));

        var clock = Stopwatch.StartNew();
        int every = Math.Max(1, passes / 10);
        for (int i = 1; i <= passes; i++)
        {
            Pass();
            if (i % every == 0 || i == passes)
            {
                double rss = Rss();
                rssMax = Math.Max(rssMax, rss);
                stderr.WriteLine(Line($"bench: pass {i}/{passes}: rss {rss:F1} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB, live tensors {Tensor.TotalCount}, {i * (double)batch * tokens / clock.Elapsed.TotalSeconds:F0} tokens/s"));
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double rssEnd = Rss();
        stdout.WriteLine(Line($"throughput: {passes * (double)batch * tokens / seconds:F0} tokens/s ({passes / seconds:F2} passes/s, {seconds:F1} s for {passes} passes)"));
        stdout.WriteLine(Line($"memory: rss after warm-up {rssWarm:F1} MiB, at end {rssEnd:F1} MiB, max {rssMax:F1} MiB (growth {rssEnd - rssWarm:+0.0;-0.0} MiB); live tensors {liveWarm} -> {Tensor.TotalCount}"));
        return 0;
    }

    private static string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
