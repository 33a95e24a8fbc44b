using Harness.Experiments.Evidence;
using Harness.Experiments.Verdicts;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// How an experiment runs: the model to use instead of the spec's (null: the spec's, else the
/// default organism), where models are found, how they load, and LibTorch's intra-op threads.
public sealed record RunOptions
{
    public string? Model { get; init; }
    public ResolverOptions? Resolver { get; init; }
    public LoadOptions? Load { get; init; }
    public int Threads { get; init; } = 1;
}

/// What an experiment produced: its plan, the rows (pooled and per label), the items behind every
/// mean, the fitted bases, and the verdict of the spec's hypothesis (null without one).
public sealed record ExperimentResult(
    ExperimentPlan Plan,
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<MeasuredRow> Items,
    IReadOnlyList<FittedDirections> Directions,
    Verdict? Verdict)
{
    public IVerdictRule? Rule => Plan.Spec.Hypothesis is { } h ? VerdictRules.Find(h) : null;

    /// Writes the evidence into `folder`: results.json, items.jsonl and directions/.
    public void WriteEvidence(string folder)
    {
        ResultsFile.Write(Path.Combine(folder, ResultsFile.FileName), Rows);
        ItemsFile.Write(Path.Combine(folder, ItemsFile.FileName), Items);
        foreach (var fitted in Directions)
            fitted.Write(Path.Combine(folder, fitted.RelativePath(severalModels: Plan.Models.Count > 1)));
    }
}

/// One experiment from spec to verdict: the single pipeline that `harness run` and the hypothesis
/// tests call. Prepares the plan (every dataset and model checked before any model loads; `checkPlan`
/// then lets the caller refuse it, e.g. an output folder that would overwrite an input), sets the
/// threads, runs every measurement and judges the hypothesis.
public static class Experiment
{
    public static ExperimentResult Run(ExperimentSpec spec, RunOptions options, TextWriter progress, Action<ExperimentPlan>? checkPlan = null)
    {
        var plan = ExperimentPlan.Prepare(spec, options.Model, options.Resolver, options.Load);
        checkPlan?.Invoke(plan);
        set_num_threads(options.Threads);
        progress.WriteLine($"run: {spec.Name}: {plan.Models.Count} model(s), {plan.Models.Max(m => m.Sites.Count)} site(s), {spec.Methods.Count} method(s), {spec.Edits.Count} edit(s), {plan.Evaluations.Count} prompt set(s), {get_num_threads()} thread(s), {plan.Load.Device} {Erasure.Concept.DtypeName(plan.Load.Dtype)}");
        var runner = new ExperimentRunner(plan, progress);
        var rows = runner.Run();
        Interruption.ThrowIfRequested();
        return new ExperimentResult(plan, rows, runner.Items, runner.Directions, Report.Verdict(spec, rows));
    }
}
