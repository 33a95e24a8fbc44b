using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Harness.Experiments;

/// What a run ran on: the operating system, the CPU model and the number of cores .NET sees, and
/// the versions of TorchSharp (its assembly), LibTorch (as TorchSharp reports it) and .NET.
public sealed record MachineInfo(
    string Os,
    string Cpu,
    int Cores,
    [property: JsonPropertyName("torchsharp")] string TorchSharp,
    [property: JsonPropertyName("libtorch")] string LibTorch,
    [property: JsonPropertyName("dotnet")] string Dotnet)
{
    public static MachineInfo Current() => new(
        RuntimeInformation.OSDescription,
        CpuModel(),
        Environment.ProcessorCount,
        TorchSharpVersion(),
        global::TorchSharp.torch.__version__,
        RuntimeInformation.FrameworkDescription);

    /// "model name" of /proc/cpuinfo on Linux (x86); else the architecture.
    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// The NuGet version TorchSharp was built as ("0.107.0"), without a source-revision suffix.
    private static string TorchSharpVersion()
    {
        var assembly = typeof(global::TorchSharp.torch).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? SourceRevision.Unknown;
    }
}
