using System.CommandLine;
using System.Diagnostics;
using Harness.Models;

namespace Harness.Cli;

/// The options every model-running verb shares: --model, and --device and --dtype (also for `run`,
/// whose --model means something else, and `bench`, which has --device only). Added to the verb's
/// command by the constructor, read with Read.
internal sealed class ModelOptions
{
    private readonly Option<string>? _model;
    private readonly Option<string>? _revision;
    private readonly Option<string> _device;
    private readonly Option<string> _dtype;

    /// `modelDescription`: what --model means for this verb; no --model when null.
    public ModelOptions(Command command, string? modelDescription = "model folder in HuggingFace layout (config.json + model.safetensors or a sharded index)")
    {
        if (modelDescription is not null)
        {
            command.Options.Add(_model = TypedOption.Text("--model", "DIR", modelDescription));
            command.Options.Add(_revision = TypedOption.Text("--revision", "REV", "for a hub id: the branch, tag or commit to load (default main), as from_pretrained(revision=...)"));
        }
        command.Options.Add(_device = Device());
        command.Options.Add(_dtype = TypedOption.Choice("--dtype", "the weights' dtype once loaded", "float32", LoadOptions.DtypeNames));
    }

    public static Option<string> Device() =>
        TypedOption.Choice("--device", "where to run (cuda needs a build with -p:TorchDevice=cuda and a GPU)", "cpu", "cpu", "cuda");

    public ModelArguments Read(VerbArguments args)
    {
        var revision = _revision is null ? null : args.Get(_revision);
        if (revision is { Length: 0 } || revision?.Any(char.IsWhiteSpace) == true)
            throw new UsageException($"{args.CommandLine[0]}: --revision must be a branch, tag or commit name, got '{revision}'");
        return new(
            _model is null ? null : args.Get(_model),
            new LoadOptions { Device = args.Value(_device), Dtype = LoadOptions.ParseDtype(args.Value(_dtype)) },
            revision);
    }
}

/// The model a verb runs on, read before the work starts and opened after the checks, so that a
/// typo fails before a slow load. Resolve finds the model's files without loading them (so that
/// outputs can be checked against them first); Open loads the resolved model.
internal sealed record ModelArguments(string? Model, LoadOptions Options, string? Revision = null)
{
    /// The resolver's options from the environment, with --revision if given.
    public ResolverOptions ResolverOptions(TextWriter? progress = null)
    {
        var options = Models.ResolverOptions.FromEnvironment(progress);
        return Revision is null ? options : options with { Revision = Revision };
    }

    /// Where the model is (downloading it into the hub cache if needed); also checks the device.
    public ResolvedModel Resolve()
    {
        LoadOptions.ResolveDevice(Options.Device);
        return new ModelResolver(ResolverOptions()).Resolve(Model, Interruption.Token);
    }

    /// The model's files, as inputs no output may overwrite.
    public static IEnumerable<InputFile> Inputs(ResolvedModel model) =>
        model.WeightFiles.Append(model.ConfigPath).Select(f => new InputFile("--model", f));

    public LanguageModel Open(string verb, TextWriter stderr) => Open(verb, Resolve(), stderr);

    public LanguageModel Open(string verb, ResolvedModel resolved, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        if (Model is not null) stderr.WriteLine($"{verb}: loading model {Model}");
        var model = HfCheckpoint.Load(resolved.Directory, Options);
        stderr.WriteLine($"{verb}: loaded {model.Config} in {clock.Elapsed.TotalSeconds:F1} s");
        return model;
    }
}
