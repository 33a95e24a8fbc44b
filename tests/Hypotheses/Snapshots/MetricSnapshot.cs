using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Core;
using Snapshooter.Core.Serialization;

namespace Hypotheses.Snapshots;

/// What a snapshot check found.
public enum SnapshotStatus
{
    /// The snapshot exists and the result matches it.
    Matched,
    /// There was no snapshot (and CI is not set): it was written; review and commit it.
    Created,
    /// SNAPSHOT_UPDATE: the snapshot was overwritten with the new values; review and commit it.
    Updated,
    /// The result differs from the snapshot: failed, the new values are left in __mismatch__.
    Mismatched,
    /// CI is set and there is no snapshot: failed, nothing written but the candidate in __mismatch__.
    MissingInCi,
}

/// The outcome of one check. Paths are absolute; Message is what the test reports.
public sealed record SnapshotOutcome(SnapshotStatus Status, string SnapshotPath, string? MismatchPath, string Message)
{
    public bool Passed => Status is SnapshotStatus.Matched or SnapshotStatus.Created or SnapshotStatus.Updated;
}

/// Snapshot-verifies the metrics and verdict of one hypothesis on one model:
/// `snapshots/<model>/<Hypothesis>.json` at the repository root, holding
/// `{"hypothesis": ..., "model": ..., "result": ...}` with the result's numbers rounded
/// (SnapshotRounding) and laid out stably (SnapshotJson).
///
/// In a hypothesis test:
///
///     [Test, Property("Hypothesis", "Swap")]
///     public void Swap()
///     {
///         var result = ...run the experiment on HypothesisModel.Current...;
///         MetricSnapshot.Match(result);            // hypothesis name from the Property
///         result.Verdict.Should().Be("supported"); // invariants on the unrounded values
///     }
///
/// Rules: a matching result passes; a missing snapshot is created and the test passes with a
/// note, except under CI (env CI=true), where it fails; a differing result fails, names each
/// changed value and leaves the new snapshot in `snapshots/<model>/__mismatch__/<Hypothesis>.json`;
/// SNAPSHOT_UPDATE=1 overwrites the snapshot and passes (never under CI).
///
/// The comparison runs through Snapshooter's SnapshotAssert (serializer, JSON comparer,
/// mismatch-on-failure), with our file layout (SnapshotFiles) and our diff (SnapshotDiff).
public static class MetricSnapshot
{
    public const string HypothesisProperty = "Hypothesis";

    private static readonly SnapshotSerializer Serializer = new(new GlobalSnapshotSettingsResolver());

    /// NUnit: checks `result` against the snapshot of the running test's hypothesis (its
    /// [Property("Hypothesis", ...)]) with the settings of this run. Fails the test on a mismatch,
    /// or on a missing snapshot under CI; notes a created or updated snapshot on the test's error
    /// output (shown by `dotnet test`) and passes.
    public static SnapshotOutcome Match(object result) => Match(CurrentHypothesis(), result, SnapshotSettings.Current);

    /// NUnit: as Match(result), for a hypothesis named explicitly and the given settings (default:
    /// this run's).
    public static SnapshotOutcome Match(string hypothesis, object result, SnapshotSettings? settings = null)
    {
        var outcome = Check(hypothesis, result, settings ?? SnapshotSettings.Current);
        switch (outcome.Status)
        {
            case SnapshotStatus.Created or SnapshotStatus.Updated:
                TestContext.Error.WriteLine(outcome.Message);
                TestContext.Out.WriteLine(outcome.Message);
                break;
            case SnapshotStatus.Mismatched or SnapshotStatus.MissingInCi:
                Assert.Fail(outcome.Message);
                break;
        }
        return outcome;
    }

    /// The check itself, without NUnit: reads and writes files and says what it found.
    public static SnapshotOutcome Check(string hypothesis, object result, SnapshotSettings settings)
    {
        ValidateName(hypothesis);
        var actual = Document(hypothesis, result, settings);
        var text = SnapshotJson.Render(SnapshotDiff.Display(actual, settings.Rounding, settings.Tolerances));
        var name = new SnapshotFullName(hypothesis + ".json", settings.ModelFolder);
        var files = new SnapshotFiles();
        var path = SnapshotFiles.SnapshotPath(name);
        var mismatchPath = SnapshotFiles.MismatchPath(name);
        var shown = Relative(settings, path);
        var exists = File.Exists(path);

        if (settings.Update && !settings.Ci)
        {
            files.Cleanup(name);
            if (exists && files.TryReadSnapshot(name, out var old))
            {
                var stored = JToken.Parse(old);
                if (SnapshotDiff.Compare(stored, actual, settings.Rounding, settings.Tolerances).Count == 0)
                    return new(SnapshotStatus.Matched, path, null, $"{shown}: unchanged (every value within tolerance)");
                text = SnapshotJson.Render(SnapshotDiff.Merge(stored, actual, settings.Rounding, settings.Tolerances));
            }
            files.SaveNewSnapshot(name, text);
            return new(exists ? SnapshotStatus.Updated : SnapshotStatus.Created, path, null,
                $"SNAPSHOT_UPDATE: {(exists ? "updated" : "created")} {shown}; review the diff and commit it with the reason in the message.");
        }
        var ignoredUpdate = settings.Update ? " (SNAPSHOT_UPDATE is ignored when CI is set)" : "";

        if (!exists && settings.Ci)
        {
            files.Cleanup(name);
            files.SaveMismatchSnapshot(name, text);
            return new(SnapshotStatus.MissingInCi, path, mismatchPath,
                $"No snapshot {shown} for hypothesis {hypothesis} on model {settings.Model.Name}, and CI is set, so none is created{ignoredUpdate}.\n"
                + $"The values of this run are in {Relative(settings, mismatchPath)}.\n"
                + $"Create it locally ({ModelHint(settings)}dotnet test --filter {HypothesisProperty}={hypothesis}), review it and commit it.");
        }

        try
        {
            // Cleans this hypothesis's stale mismatch, compares, creates a missing snapshot, and on a
            // difference writes the new one into __mismatch__ before rethrowing.
            new SnapshotAssert(Serializer, files, files, new JsonSnapshotComparer(new SnapshotDiff(actual, settings.Rounding, settings.Tolerances), Serializer),
                    new JsonSnapshotFormatter(Serializer))
                .AssertSnapshot(text, name, new MatchOptions());
        }
        catch (SnapshotMismatchException e)
        {
            return new(SnapshotStatus.Mismatched, path, mismatchPath,
                $"Hypothesis {hypothesis} on model {settings.Model.Name} differs from {shown}{ignoredUpdate}:\n"
                + string.Join("\n", e.Lines.Select(l => "  " + l)) + "\n"
                + $"The new snapshot is left for review in {Relative(settings, mismatchPath)}.\n"
                + $"If the change is intended: SNAPSHOT_UPDATE=1 {ModelHint(settings)}dotnet test --filter {HypothesisProperty}={hypothesis}, "
                + $"then commit {shown} with the reason in the commit message.");
        }
        return exists
            ? new(SnapshotStatus.Matched, path, null, $"{shown}: matches")
            : new(SnapshotStatus.Created, path, null,
                $"Created snapshot {shown} for hypothesis {hypothesis} on model {settings.Model.Name}; review it and commit it.");
    }

    /// The exact text a new snapshot file of `result` holds: its values rounded for display.
    public static string Render(string hypothesis, object result, SnapshotSettings settings)
    {
        ValidateName(hypothesis);
        return SnapshotJson.Render(SnapshotDiff.Display(Document(hypothesis, result, settings), settings.Rounding, settings.Tolerances));
    }

    /// The snapshot document with the result's unrounded values, as the comparison sees it.
    private static JObject Document(string hypothesis, object result, SnapshotSettings settings) => new()
    {
        ["hypothesis"] = hypothesis,
        ["model"] = settings.Model.SnapshotFolder,
        ["result"] = SnapshotJson.ToToken(result, null),
    };

    /// The [Property("Hypothesis", ...)] of the running test (or of its fixture).
    public static string CurrentHypothesis()
    {
        var test = TestContext.CurrentContext.Test;
        if (test.Properties.Get(HypothesisProperty) is string name) return name;
        throw new InvalidOperationException(
            $"snapshot: test {test.FullName} has no [Property(\"{HypothesisProperty}\", \"<Name>\")]; add one or pass the hypothesis name");
    }

    private static void ValidateName(string hypothesis)
    {
        if (!Regex.IsMatch(hypothesis, "^[A-Za-z0-9][A-Za-z0-9_-]*$"))
            throw new ArgumentException(
                $"snapshot: hypothesis name '{hypothesis}' must be letters, digits, '_' and '-' (it names a file)", nameof(hypothesis));
    }

    /// `HARNESS_MODEL=<model> ` for a shell command line; empty for the default organisms.
    private static string ModelHint(SnapshotSettings settings) =>
        settings.Model.Argument is not { } model ? ""
        : Regex.IsMatch(model, "^[A-Za-z0-9_./~-]+$") ? $"{HypothesisModel.VariableName}={model} "
        : $"{HypothesisModel.VariableName}='{model.Replace("'", "'\\''")}' ";

    private static string Relative(SnapshotSettings settings, string path) =>
        Path.GetRelativePath(settings.Root, path).Replace('\\', '/');
}
