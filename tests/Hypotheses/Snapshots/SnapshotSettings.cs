using Harness.IO;

namespace Hypotheses.Snapshots;

/// Everything the snapshot check depends on, passed as one value so that tests can point it at a
/// temporary folder and switch CI or update mode without touching process environment variables.
/// Real runs use Current, read once from the environment (FromEnvironment).
public sealed record SnapshotSettings
{
    public const string SolutionFile = "ConceptErasure.sln";
    public const string SnapshotsFolderName = "snapshots";
    public const string CiVariable = "CI";
    public const string UpdateVariable = "SNAPSHOT_UPDATE";

    /// The repository root: snapshots live in `<Root>/snapshots/<model>/<Hypothesis>.json`.
    public required string Root { get; init; }

    /// The model whose snapshots are checked.
    public HypothesisModel Model { get; init; } = HypothesisModel.Organisms;

    /// CI is set: a missing snapshot fails instead of being created, and Update is ignored.
    public bool Ci { get; init; }

    /// SNAPSHOT_UPDATE is set: a differing or missing snapshot is overwritten with the new values
    /// and the test passes (never under CI).
    public bool Update { get; init; }

    public SnapshotRounding Rounding { get; init; } = SnapshotRounding.Default;

    /// How far a number may move and still match (SnapshotTolerances.Default: the harness's table).
    public SnapshotTolerances Tolerances { get; init; } = SnapshotTolerances.Default;

    /// `<Root>/snapshots`.
    public string SnapshotsRoot => Path.Combine(Root, SnapshotsFolderName);

    /// `<Root>/snapshots/<model>`.
    public string ModelFolder => Path.Combine(SnapshotsRoot, Model.SnapshotFolder);

    private static readonly Lazy<SnapshotSettings> FromThisRun = new(() => FromEnvironment(
        Environment.GetEnvironmentVariable,
        name => TestContext.Parameters.Get(name),
        [AppContext.BaseDirectory, Environment.CurrentDirectory]));

    /// The settings of this test run: HARNESS_MODEL (NUnit run parameter, else environment), CI,
    /// SNAPSHOT_UPDATE, and the root found above the test assembly.
    public static SnapshotSettings Current => FromThisRun.Value;

    /// The settings that `env` (environment variables) and `runParameter` (NUnit run parameters)
    /// imply; the root is the first folder holding ConceptErasure.sln above one of `searchStarts`.
    public static SnapshotSettings FromEnvironment(
        Func<string, string?> env, Func<string, string?> runParameter, IEnumerable<string> searchStarts)
    {
        static string? NonEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v;
        var model = NonEmpty(runParameter(HypothesisModel.VariableName)) ?? NonEmpty(env(HypothesisModel.VariableName));
        return new SnapshotSettings
        {
            Root = FindRoot(searchStarts),
            Model = HypothesisModel.FromName(model),
            Ci = IsTrue(env(CiVariable)),
            Update = IsTrue(env(UpdateVariable)),
        };
    }

    /// "1", "true", "yes", "on" in any case; anything else (unset, "", "0", "false") is false.
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";

    /// The first folder containing ConceptErasure.sln at or above one of `starts`.
    public static string FindRoot(IEnumerable<string> starts)
    {
        var tried = starts.Select(Path.GetFullPath).ToList();
        return AncestorFolders.Find(tried, dir => File.Exists(Path.Combine(dir, SolutionFile)))
            ?? throw new InvalidOperationException(
                $"snapshots: no {SolutionFile} above {string.Join(" or ", tried.Distinct())}; run the hypothesis tests from a checkout");
    }
}
