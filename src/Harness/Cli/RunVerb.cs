using System.CommandLine;
using System.Diagnostics;
using Harness.Experiments;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness run experiments/<spec>.json`: runs an experiment spec (see README.md, "Experiments")
/// and writes results.json, report.md, run.json, a copy of the spec and PNG plots into the output
/// folder; prints the main table (and the verdict, if the spec names a hypothesis) to stdout,
/// progress to stderr. Everything that can be checked is checked before any model loads: the
/// spec, its datasets and models (ExperimentPlan), the device, and the output folder.
public sealed class RunVerb : Verb
{
    private readonly Argument<string> _spec;
    private readonly ModelOptions _model;
    private readonly Option<string> _out;
    private readonly Option<bool> _force;
    private readonly Option<int> _threads;

    public RunVerb() : base("run", "run an experiment spec (experiments/<name>.json): results.json, report.md, run.json, plots",
        "Runs every model x site x method x edit x dataset x split of the spec (plus the unedited\n" +
        "baseline) and writes DIR/results.json (tidy rows), DIR/report.md (tables and the verdict on the\n" +
        "spec's hypothesis), DIR/run.json (commit, models, device, dtype, threads, seeds, versions,\n" +
        "machine, times), DIR/spec.json and DIR/plot-*.png. Fits and metrics are computed in float64\n" +
        "whatever --dtype is.")
    {
        _spec = Add(new Argument<string>("SPEC.json") { Description = "the experiment spec (experiments/quickstart.json, experiments/swap.json, ...)" });
        _model = new ModelOptions(Command, "run on this model instead of the spec's models (a folder, a hub id such as gpt2, or an organism name such as gpt2-nodropout)");
        _out = Add(TypedOption.Text("--out", "DIR", "output folder (default: runs/<spec name>-<model>-<yyyyMMdd-HHmmss>)"));
        _force = Add(TypedOption.Switch("--force",
            "replace the files of an earlier run in DIR (results.json, report.md, run.json, spec.json, plot-*.png); nothing else in DIR is touched. " +
            "Without it such a folder is refused. Never replaces the spec itself."));
        _threads = Add(TypedOption.Integer("--threads", "N", "LibTorch intra-op threads (1 gives reproducible numbers)", 1, min: 1, max: 1024));
    }

    public override string HelpEpilogue => Methods();

    /// The methods a spec may name, with their options as spec fields (snake_case: "max_steps").
    private static string Methods()
    {
        var help = new System.Text.StringBuilder();
        help.AppendLine("methods a spec's \"methods\" may name, with their options as fields (defaults in brackets;");
        help.AppendLine("every method also takes \"label\", \"concept\", and \"seeds\" if it has a seed, or \"subsets\"):");
        foreach (var method in DirectionMethods.All) FitVerb.AppendMethod(help, method, asFields: true);
        return help.ToString();
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var specPath = args.Value(_spec);
        var modelArgs = _model.Read(args);
        var outArg = args.Get(_out);
        bool force = args.Get(_force);
        int threads = args.Get(_threads);

        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var spec = ExperimentSpec.Load(specPath);
        var model = modelArgs.Model;
        var names = model is not null ? [model] : spec.Models.Count > 0 ? spec.Models : new[] { ModelResolver.DefaultOrganism };
        var folder = outArg ?? RunFolder.Default(spec.Name, names, DateTime.Now);
        RunFolder.Check(folder, force);
        var options = new RunOptions { Model = model, Resolver = modelArgs.ResolverOptions(stderr), Load = modelArgs.Options, Threads = threads };
        var result = Experiment.Run(spec, options, stderr, plan => OutputFile.CheckFolder("--out", folder, force, RunFolder.OwnFiles, Inputs(specPath, plan)));
        var (plan, rows, verdict) = (result.Plan, result.Rows, result.Verdict);

        // The report goes last: a folder with a report.md holds a whole run. An interruption from
        // here on removes the files this run created (CommandLine, IO.CreatedPaths).
        RunFolder.Prepare(folder, force);
        result.WriteEvidence(folder);
        var specBytes = File.ReadAllBytes(specPath);
        AtomicFile.Write(Path.Combine(folder, RunFolder.SpecFile), s => s.Write(specBytes));
        var plots = Plots.Write(folder, spec, rows);
        var run = RunInfo.Of(plan, args.CommandLine, get_num_threads(), started);
        run.Write(Path.Combine(folder, RunInfo.FileName));
        var report = Report.Build(spec, rows, verdict, plots, clock.Elapsed, run);
        AtomicFile.Write(Path.Combine(folder, RunFolder.ReportFile), s => s.Write(System.Text.Encoding.UTF8.GetBytes(report)));

        stdout.Write(Report.MainTables(spec, rows));
        if (verdict is not null)
        {
            stdout.WriteLine($"verdict ({spec.Hypothesis}): {verdict.Word}");
            foreach (var line in verdict.Methods.Select(m => m.Line).Concat(verdict.Evidence)) stdout.WriteLine($"  {line}");
        }
        stdout.WriteLine($"wrote {Path.Combine(folder, ResultsFile.FileName)}, {Experiments.Evidence.ItemsFile.FileName}, {RunFolder.ReportFile}, {RunInfo.FileName}, {plots.Count} plot(s) and {result.Directions.Count} fitted basis file(s) in {FittedDirections.Folder}/ in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// What the run reads: the spec, every file of its datasets, each model's files.
    private static IEnumerable<InputFile> Inputs(string specPath, ExperimentPlan plan)
    {
        yield return new InputFile("SPEC.json", specPath);
        var datasetFiles = plan.Concepts.Values.SelectMany(c => new[] { c.Train.File, c.Test?.File })
            .Concat(plan.Evaluations.Select(e => (string?)e.File))
            .Concat(plan.Texts.Select(t => (string?)t.File))
            .Concat(plan.TrainingPrompts.Values.Select(p => (string?)p.File))
            .OfType<string>().Distinct();
        foreach (var file in datasetFiles) yield return new InputFile("dataset", file);
        foreach (var m in plan.Models)
            foreach (var input in ModelArguments.Inputs(m.Resolved)) yield return input;
    }
}
