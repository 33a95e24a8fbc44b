using System.CommandLine;
using System.Diagnostics;
using Harness.Erasure;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `bench-erasure`: times fitting and applying the erasers on synthetic float32 rows of the size of
/// GPT-2 small activations, on this machine (the benchmark behind any performance claim).
public sealed class BenchErasureVerb : Verb
{
    private readonly Option<int> _rows, _dimension, _classes, _repeats, _seed, _threads;

    public BenchErasureVerb() : base("bench-erasure", "time fitting and applying LEACE and the other erasers on synthetic rows")
    {
        _rows = Add(TypedOption.Integer("--rows", "N", "rows of synthetic float32 activations", 20000, min: 2));
        _dimension = Add(TypedOption.Integer("--dimension", "N", "their dimension", 768, min: 1));
        _classes = Add(TypedOption.Integer("--classes", "N", "classes of the synthetic labels", 2, min: 2, max: 1000));
        _repeats = Add(TypedOption.Integer("--repeats", "N", "timed runs per measurement, after one warm-up; the best and median are reported", 3, min: 1, max: 100));
        _seed = Add(TypedOption.Integer("--seed", "N", "seed of the synthetic data", 0, min: 0));
        _threads = Add(TypedOption.Integer("--threads", "N", "LibTorch intra-op threads (0: LibTorch's default)", 0, min: 0, max: 1024));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        int rows = args.Get(_rows);
        int dimension = args.Get(_dimension);
        int classes = args.Get(_classes);
        int repeats = args.Get(_repeats);
        int seed = args.Get(_seed);
        int threads = args.Get(_threads);
        if (threads > 0) set_num_threads(threads);

        using var generator = new torch.Generator((ulong)seed, CPU);
        var labels = randint(classes, new long[] { rows }, dtype: ScalarType.Int64, generator: generator);
        var shifts = randn(new long[] { classes, dimension }, dtype: ScalarType.Float32, generator: generator);
        var mixing = randn(new long[] { dimension, dimension }, dtype: ScalarType.Float32, generator: generator) / Math.Sqrt(dimension);
        var x = (randn(new long[] { rows, dimension }, dtype: ScalarType.Float32, generator: generator).mm(mixing) + shifts.index_select(0, labels)).contiguous();
        var data = new EraserData(x, labels, "synthetic X", "synthetic z");
        stdout.WriteLine($"bench-erasure: {rows} rows x {dimension} float32, {classes} classes, {get_num_threads()} LibTorch thread(s), {Environment.ProcessorCount} processor(s)");

        var leace = LeaceEraser.Definition;
        Measure(stdout, "fit leace (defaults)", repeats, () => leace.Fit(data));
        Measure(stdout, "fit leace --orth", repeats, () => leace.Fit(data, leace.Defaults().With("orth", true)));
        Measure(stdout, "fit leace --no-shrinkage", repeats, () => leace.Fit(data, leace.Defaults().With("shrinkage", false)));
        Measure(stdout, "fit oracle-leace", repeats, () => OracleLeaceEraser.Definition.Fit(data));
        Measure(stdout, "fit mean-diff", repeats, () => MeanDifference.Definition.Fit(data));
        var eraser = leace.Fit(data);
        Measure(stdout, "apply leace to all rows", repeats, () => eraser.Apply(x));
        return 0;
    }

    private static void Measure(TextWriter stdout, string what, int repeats, Func<object> run)
    {
        Once(run);
        var seconds = new List<double>();
        for (int i = 0; i < repeats; i++) seconds.Add(Once(run));
        seconds.Sort();
        stdout.WriteLine($"  {what,-28} best {seconds[0]:F3} s, median {seconds[seconds.Count / 2]:F3} s over {repeats} run(s)");
    }

    private static double Once(Func<object> run)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }
}
