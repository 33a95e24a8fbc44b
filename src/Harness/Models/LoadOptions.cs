using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Models;

/// How to load a checkpoint: the dtype its weights are converted to (float32 by default, whatever
/// they are stored as) and the device they go to.
public sealed record LoadOptions
{
    public ScalarType Dtype { get; init; } = ScalarType.Float32;
    public string Device { get; init; } = "cpu";

    public static readonly LoadOptions Default = new();

    /// The names `--dtype` accepts.
    public static readonly string[] DtypeNames = { "float32", "float64", "float16", "bfloat16" };

    public static ScalarType ParseDtype(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "float64" => ScalarType.Float64,
        "float16" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new UsageException($"dtype '{name}' is not supported ({string.Join(", ", DtypeNames)})"),
    };

    /// The torch device for "cpu" or "cuda"; asking for CUDA where it is not available is an error.
    public static torch.Device ResolveDevice(string name)
    {
        switch (name)
        {
            case "cpu": return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new HarnessException("--device cuda: CUDA is not available here (this build uses the CPU LibTorch, or no GPU is visible; build with -p:TorchDevice=cuda on a GPU machine)");
                return CUDA;
            default: throw new UsageException($"device '{name}' is not supported (cpu or cuda)");
        }
    }
}
