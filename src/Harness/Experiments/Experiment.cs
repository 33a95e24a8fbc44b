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

/// <summary>
/// What an experiment produced: its plan, the rows (pooled and per label), the items behind every
/// mean, the fitted bases, and the verdict of the spec's hypothesis (null without one).
/// </summary>
public sealed record ExperimentResult(
    ExperimentPlan Plan,
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<MeasuredRow> Items,
    IReadOnlyList<FittedDirections> Directions,
    Verdict? Verdict)
{
    public IVerdictRule? Rule => Plan.Spec.Hypothesis is { } h ? VerdictRules.Find(h) : null;

    /// <summary>Writes the evidence into <paramref name="folder"/>: results.json, items.jsonl and directions/.</summary>
    public void WriteEvidence(string folder)
    {
        ResultsFile.Write(Path.Combine(folder, ResultsFile.FileName), Rows);
        ItemsFile.Write(Path.Combine(folder, ItemsFile.FileName), Items);
        foreach (var fitted in Directions)
            fitted.Write(Path.Combine(folder, fitted.RelativePath(severalModels: Plan.Models.Count > 1)));
    }
}

/// <summary>
/// One experiment from spec to verdict: the single pipeline that <c>harness run</c> and the
/// hypothesis tests call, e.g. <c>Experiment.Run(ExperimentSpec.Load("experiments/swap.json"))</c>.
/// </summary>
public static class Experiment
{
    /// <summary>
    /// Prepares the plan (every dataset and model checked before any model loads), sets the threads,
    /// runs every measurement and judges the hypothesis. Returns the typed rows
    /// (<see cref="ExperimentResult.Rows"/>), the items behind every mean, the fitted bases and the
    /// verdict; <see cref="ExperimentResult.WriteEvidence"/> saves them as <c>harness run</c> does.
    /// </summary>
    /// <param name="spec">The experiment (<see cref="ExperimentSpec.Load"/> reads a spec file).</param>
    /// <param name="options">Model override, device, dtype, threads (default: the spec's models, CPU, 1 thread).</param>
    /// <param name="progress">Where progress lines go (default: standard error).</param>
    /// <param name="checkPlan">Called with the plan before any model loads, to refuse it by throwing
    /// (e.g. an output folder that would overwrite an input).</param>
    public static ExperimentResult Run(ExperimentSpec spec, RunOptions? options = null, TextWriter? progress = null, Action<ExperimentPlan>? checkPlan = null)
    {
        options ??= new RunOptions();
        progress ??= Console.Error;
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
