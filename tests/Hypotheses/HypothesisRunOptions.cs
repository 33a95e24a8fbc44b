using Harness.Models;
using Hypotheses.Snapshots;
using static TorchSharp.torch;

namespace Hypotheses;

/// How the hypothesis tests run their experiments, besides the model (HypothesisModel): the device
/// and dtype every model is loaded with and LibTorch's thread count. Each is an NUnit run parameter
/// (`dotnet test -- 'TestRunParameters.Parameter(name="HARNESS_DTYPE", value="float64")'`), else an
/// environment variable of the same name, else the default:
///
///   HARNESS_DEVICE   cpu (default) or cuda (a CUDA build: `-p:TorchDevice=cuda`)
///   HARNESS_DTYPE    float32 (default), float64, float16 or bfloat16
///   HARNESS_THREADS  LibTorch intra-op threads, default 1, as `harness run` uses: a snapshot's
///                    numbers are those `harness run experiments/<spec>.json` prints.
///
/// Every setting compares against the same snapshots (snapshots/<model>/): their tolerances
/// (SnapshotTolerances) are chosen to absorb what device, dtype and thread count change.
public sealed record HypothesisRunOptions(LoadOptions Load, int Threads)
{
    public const string DeviceVariable = "HARNESS_DEVICE";
    public const string DtypeVariable = "HARNESS_DTYPE";
    public const string ThreadsVariable = "HARNESS_THREADS";

    private static readonly Lazy<HypothesisRunOptions> FromThisRun = new(() =>
        FromEnvironment(Environment.GetEnvironmentVariable, name => TestContext.Parameters.Get(name)));

    /// The options of this test run.
    public static HypothesisRunOptions Current => FromThisRun.Value;

    /// The options that `env` (environment variables) and `runParameter` (NUnit run parameters, which
    /// win) imply. A bad value is an error naming the variable.
    public static HypothesisRunOptions FromEnvironment(Func<string, string?> env, Func<string, string?> runParameter)
    {
        string? Get(string name) =>
            new[] { runParameter(name), env(name) }.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        var device = Get(DeviceVariable) ?? "cpu";
        if (device is not ("cpu" or "cuda"))
            throw new ArgumentException($"{DeviceVariable}: '{device}' is not a device (cpu or cuda)");
        var dtypeName = Get(DtypeVariable) ?? "float32";
        if (!LoadOptions.DtypeNames.Contains(dtypeName, StringComparer.Ordinal))
            throw new ArgumentException($"{DtypeVariable}: '{dtypeName}' is not a dtype ({string.Join(", ", LoadOptions.DtypeNames)})");
        var threadsText = Get(ThreadsVariable);
        int threads = 1;
        if (threadsText is not null && (!int.TryParse(threadsText, out threads) || threads < 1))
            throw new ArgumentException($"{ThreadsVariable}: '{threadsText}' is not a thread count (a whole number >= 1)");
        return new HypothesisRunOptions(new LoadOptions { Device = device, Dtype = LoadOptions.ParseDtype(dtypeName) }, threads);
    }

    /// "cpu, float32, 1 thread(s)": for test output.
    public override string ToString() =>
        $"{Load.Device}, {LoadOptions.DtypeNames.First(n => LoadOptions.ParseDtype(n) == Load.Dtype)}, {Threads} thread(s)";
}
