using System.Diagnostics;
using Harness.Models;

namespace Harness.Cli;

/// The options every model-running verb shares (--model, --device, --dtype), read before
/// RejectUnknown() and opened after it, so that a typo fails before a slow load. Resolve finds the
/// model's files without loading them (so that outputs can be checked against them first); Open
/// loads the resolved model.
internal sealed record ModelArguments(string? Model, LoadOptions Options)
{
    public const string Help =
        "  --model DIR         model folder in HuggingFace layout (config.json + model.safetensors or a sharded index)\n" +
        LoadHelp;

    /// --device and --dtype, also for verbs whose --model means something else (run).
    public const string LoadHelp =
        "  --device cpu|cuda   where to run (default cpu; cuda must be available)\n" +
        "  --dtype NAME        float32 (default), float64, float16 or bfloat16: the weights' dtype once loaded\n";

    public static ModelArguments Read(Arguments args) => new(args.Optional("model"), ReadLoad(args));

    /// --device and --dtype.
    public static LoadOptions ReadLoad(Arguments args) => new()
    {
        Device = args.Choice("device", "cpu", "cpu", "cuda"),
        Dtype = LoadOptions.ParseDtype(args.Choice("dtype", "float32", LoadOptions.DtypeNames)),
    };

    /// Where the model is (downloading it into the hub cache if needed); also checks the device.
    public ResolvedModel Resolve()
    {
        LoadOptions.ResolveDevice(Options.Device);
        return new ModelResolver(ResolverOptions.FromEnvironment()).Resolve(Model, Interruption.Token);
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
