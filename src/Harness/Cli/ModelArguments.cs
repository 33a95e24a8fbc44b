using System.Diagnostics;
using Harness.Models;

namespace Harness.Cli;

/// The options every model-running verb shares (--model, --device, --dtype), read before
/// RejectUnknown() and opened after it, so that a typo fails before a slow load.
internal sealed record ModelArguments(string? Model, LoadOptions Options)
{
    public const string Help =
        "  --model DIR         model folder in HuggingFace layout (config.json + model.safetensors or a sharded index)\n" +
        "  --device cpu|cuda   where to run (default cpu; cuda must be available)\n" +
        "  --dtype NAME        float32 (default), float64, float16 or bfloat16: the weights' dtype once loaded\n";

    public static ModelArguments Read(Arguments args) => new(
        args.Optional("model"),
        new LoadOptions
        {
            Device = args.Choice("device", "cpu", "cpu", "cuda"),
            Dtype = LoadOptions.ParseDtype(args.Choice("dtype", "float32", LoadOptions.DtypeNames)),
        });

    public LanguageModel Open(string verb, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        if (Model is not null) stderr.WriteLine($"{verb}: loading model {Model}");
        var model = ModelLoading.Open(Model, Options);
        stderr.WriteLine($"{verb}: loaded {model.Config} in {clock.Elapsed.TotalSeconds:F1} s");
        return model;
    }
}
