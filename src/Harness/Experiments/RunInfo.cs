using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Erasure;
using Harness.IO;
using Harness.Models;

namespace Harness.Experiments;

/// run.json, beside results.json in a run folder: everything about how a run was made that is not
/// a result, so that results.json itself holds nothing machine-specific or time-dependent and two
/// runs of the same spec on the same inputs can be compared byte for byte. See README.md, "run.json".
public sealed record RunInfo
{
    public const string FileName = "run.json";

    /// The harness's git commit and whether its tracked files differed from it.
    public required SourceRevision Harness { get; init; }
    /// The command line as given, program name first.
    public required IReadOnlyList<string> CommandLine { get; init; }
    public required string WorkingDirectory { get; init; }
    /// The spec file as given.
    public required string Spec { get; init; }
    public required IReadOnlyList<RunModel> Models { get; init; }
    public required string Device { get; init; }
    public required string Dtype { get; init; }
    /// LibTorch intra-op threads during the run.
    public required int Threads { get; init; }
    /// The spec's seed (set before every fit) and the seed of each method that takes one, by label.
    public required int Seed { get; init; }
    public required IReadOnlyDictionary<string, int> MethodSeeds { get; init; }
    /// Bootstrap resamples behind every interval (drawn from Seed).
    public required int BootstrapResamples { get; init; }
    public required MachineInfo Machine { get; init; }
    public required DateTime StartedUtc { get; init; }
    public required DateTime FinishedUtc { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// The record of a run of `plan` that started at `startedUtc` and has just finished.
    public static RunInfo Of(ExperimentPlan plan, IReadOnlyList<string> commandLine, int threads, DateTime startedUtc) => new()
    {
        Harness = SourceRevision.Find(),
        CommandLine = ["harness", .. commandLine],
        WorkingDirectory = Directory.GetCurrentDirectory(),
        Spec = plan.Spec.Source,
        Models = plan.Models.Select(m => RunModel.Of(m.Resolved)).ToList(),
        Device = plan.Load.Device,
        Dtype = Concept.DtypeName(plan.Load.Dtype),
        Threads = threads,
        Seed = plan.Spec.Seed,
        MethodSeeds = plan.Spec.Methods.Where(m => m.Options.Values.ContainsKey("seed"))
            .ToDictionary(m => m.Label, m => m.Options.Int("seed"), StringComparer.Ordinal),
        BootstrapResamples = plan.Spec.Resamples,
        Machine = MachineInfo.Current(),
        StartedUtc = startedUtc,
        FinishedUtc = DateTime.UtcNow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static RunInfo Read(string path) =>
        JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json) ?? throw new HarnessException($"{path}: empty run.json");

    public void Write(string path) => AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(ToJson())));
}

/// One model of a run: its name as given, where it was found, its folder, the hub commit (hub
/// models) and its weight files with their SHA-256 (models from a folder or an organism; a hub
/// model is pinned by its commit).
public sealed record RunModel(string Name, ModelSource Source, string Folder, string? Revision, IReadOnlyList<RunWeightFile> Weights)
{
    public static RunModel Of(ResolvedModel model)
    {
        bool hub = model.Source is ModelSource.HubCache or ModelSource.HubDownload;
        var weights = model.WeightFiles.Select(f => new RunWeightFile(Path.GetFileName(f), hub ? null : Sha256(f))).ToList();
        return new RunModel(model.Name, model.Source, model.Directory, model.Commit, weights);
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

public sealed record RunWeightFile(string File, string? Sha256);
