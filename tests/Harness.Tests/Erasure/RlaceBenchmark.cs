using System.Diagnostics;
using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

/// Measurements of the linear erasers on a planted 768-dimensional problem (explicit: minutes of
/// CPU, and no timing is asserted). Run with
///   HARNESS_BENCH_LOG=/tmp/bench.log HARNESS_TORCH_THREADS=1 \
///   dotnet test --filter "FullyQualifiedName~RlaceBenchmark" --logger "console;verbosity=detailed"
///
/// The problem: 16,000 rows of dimension 768 (GPT-2 small's width), float32: per-coordinate standard
/// deviation 3 with a power-law covariance spectrum in a random basis (a few directions dominate, as
/// in a residual stream), a mean offset, and a balanced binary concept whose class means are 6 apart
/// along one random unit direction u. A probe reaches ~93 % held-out accuracy; because the noise is
/// anisotropic, the probe's weight vector (~ Sigma^-1 u) is far from u.
/// Rows: 10,000 to fit the erasers, 2,000 dev rows (INLP's and RLACE's held-out scoring), 4,000
/// evaluation rows. "after" = a fresh probe trained on the 10,000 erased fit rows and scored on the
/// 4,000 erased evaluation rows (the experiment runner's probe_accuracy).
[Explicit("benchmark: minutes of CPU")]
[Category("Benchmark")]
public class RlaceBenchmark
{
    private const int D = 768;

    private sealed record Data(Tensor XFit, Tensor ZFit, Tensor XDev, Tensor ZDev, Tensor XEval, Tensor ZEval, Tensor U);

    private static Data Problem()
    {
        var (x, z, u) = LinearConceptData.Planted(16000, D, seed: 2024, separation: 6, anisotropic: true, scale: 3, offset: 1);
        x = x.to_type(ScalarType.Float32);
        return new Data(x[..10000], z[..10000], x[10000..12000], z[10000..12000], x[12000..], z[12000..], u);
    }

    /// Lines go to the test output and, when HARNESS_BENCH_LOG names a file, are appended to it as
    /// they come (the test output only appears when a case ends).
    private static void Line(string s)
    {
        TestContext.Out.WriteLine(s);
        var log = Environment.GetEnvironmentVariable("HARNESS_BENCH_LOG");
        if (!string.IsNullOrEmpty(log)) File.AppendAllText(log, s + Environment.NewLine);
    }

    /// HARNESS_TORCH_THREADS, if set, fixes LibTorch's thread count (on a shared, oversubscribed
    /// machine one thread is much faster for the game's small operations).
    [OneTimeSetUp]
    public void Threads()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("HARNESS_TORCH_THREADS"), out var n) && n > 0)
            set_num_threads(n);
    }

    private static string After(Data data, Func<Tensor, Tensor> erase)
    {
        using var scope = NewDisposeScope();
        var r = ProbeAccuracy.TrainTest(erase(data.XFit), data.ZFit, erase(data.XEval), data.ZEval);
        return $"probe after {r.TestAccuracy:F4} (majority {r.Majority:F4}, {r.AboveMajority * 100:+0.00;-0.00} %)";
    }

    private static string Alignment(Tensor directions, Tensor u) =>
        $"|U u| = {directions.matmul(u.to_type(ScalarType.Float64)).norm().item<double>():F3}";

    [Test]
    public void BeforeAndAfterEachMethod()
    {
        using var scope = NewDisposeScope();
        var data = Problem();
        Line($"torch threads {get_num_threads()}, load {File.ReadAllText("/proc/loadavg").Trim()}");
        var clock = Stopwatch.StartNew();
        var before = ProbeAccuracy.TrainTest(data.XFit, data.ZFit, data.XEval, data.ZEval);
        Line($"before: probe {before.TestAccuracy:F4} (train {before.TrainAccuracy:F4}, majority {before.Majority:F4}); one 10,000 x 768 probe fit+score {clock.ElapsedMilliseconds} ms");

        // Oracles: the planted direction, and the fit rows' own class-mean difference.
        var u = data.U.unsqueeze(0);
        var zf = data.ZFit;
        var x64 = data.XFit.to_type(ScalarType.Float64);
        var delta = x64.index_select(0, (zf == 1).nonzero().squeeze(1)).mean([0]) - x64.index_select(0, (zf == 0).nonzero().squeeze(1)).mean([0]);
        delta = (delta / delta.norm()).unsqueeze(0);
        Line($"oracle u: {After(data, x => LinearInputs.ProjectOut(x, u))}");
        Line($"oracle mean difference of the fit rows: {Alignment(delta, data.U)}, {After(data, x => LinearInputs.ProjectOut(x, delta))}");

        clock.Restart();
        var probe = ProbeEraser.Fit(data.XFit, data.ZFit);
        Line($"probe: {clock.ElapsedMilliseconds} ms, {Alignment(probe.Directions, data.U)}, {After(data, x => probe.Apply(x))}");

        clock.Restart();
        var inlp = InlpEraser.Fit(data.XFit, data.ZFit, null, data.XDev, data.ZDev);
        Line($"inlp (defaults): {clock.ElapsedMilliseconds} ms, {inlp.Rank} directions, dev accuracies [{string.Join(", ", inlp.Accuracies.Select(a => a.ToString("F3")))}] (majority {inlp.Majority:F3}), {Alignment(inlp.Directions, data.U)}, {After(data, x => inlp.Apply(x))}");

        clock.Restart();
        var rlace = RlaceEraser.Fit(data.XFit, data.ZFit, null, data.XDev, data.ZDev, progress: Line);
        var report = rlace.Report!;
        Line($"rlace (defaults): {clock.ElapsedMilliseconds} ms (game {report.GameTime.TotalMilliseconds:F0} ms, evaluation {report.EvaluationTime.TotalMilliseconds:F0} ms for {report.Evaluations.Count}), {report.Steps} steps, reached epsilon {report.ReachedEpsilon}, {Alignment(rlace.Directions, data.U)}, {After(data, x => rlace.Apply(x))}");
    }

    /// Steps and time RLACE needs to bring the dev probe to majority + 2 %, by learning rate and
    /// batch size (the evaluation time is reported apart).
    [TestCase(0.005, 128, 20000, 500)]
    [TestCase(0.02, 1024, 3000, 50)]
    [TestCase(0.05, 1024, 3000, 50)]
    [TestCase(0.1, 1024, 3000, 50)]
    [TestCase(0.02, 2048, 3000, 50)]
    [TestCase(0.05, 2048, 3000, 50)]
    [TestCase(0.1, 2048, 3000, 50)]
    [TestCase(0.05, 4096, 2000, 50)]
    [TestCase(0.1, 10000, 1000, 25)]
    public void RlaceStepsToMajorityPlusTwoPercent(double lr, int batch, int maxSteps, int every)
    {
        using var scope = NewDisposeScope();
        var data = Problem();
        Line($"torch threads {get_num_threads()}, load {File.ReadAllText("/proc/loadavg").Trim()}");
        var options = new RlaceOptions
        {
            LearningRateP = lr, LearningRatePredictor = lr, BatchSize = batch,
            EvaluateEvery = every, Epsilon = 0.02, MaxSteps = maxSteps,
        };
        Line($"lr {lr}, batch {batch}, evaluating every {every} steps");
        var rlace = RlaceEraser.Fit(data.XFit, data.ZFit, options, data.XDev, data.ZDev, progress: Line);
        var report = rlace.Report!;
        Line($"lr {lr}, batch {batch}: {report.Steps} steps, reached {report.ReachedEpsilon}, game {report.GameTime.TotalMilliseconds:F0} ms ({report.GameTime.TotalMilliseconds / report.Steps:F1} ms/step), evaluation {report.EvaluationTime.TotalMilliseconds:F0} ms for {report.Evaluations.Count}, best at step {report.Best.Step} (accuracy {report.Best.Accuracy:F4}), {Alignment(rlace.Directions, data.U)}, {After(data, x => rlace.Apply(x))}");
    }
}
