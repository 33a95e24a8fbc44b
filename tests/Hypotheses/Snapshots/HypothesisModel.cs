using System.Text;

namespace Hypotheses.Snapshots;

/// The model the hypothesis tests run on, and the folder its snapshots live in
/// (`snapshots/<SnapshotFolder>/<Hypothesis>.json`).
///
/// Chosen by the NUnit run parameter HARNESS_MODEL
/// (`dotnet test -- TestRunParameters.Parameter(name="HARNESS_MODEL", value="gpt2")`), else the
/// environment variable HARNESS_MODEL, else the default: the embedded model organisms. The name is
/// what `--model` takes (see ARCHITECTURE.md): a hub id, an organism name or a local folder.
public sealed record HypothesisModel
{
    public const string VariableName = "HARNESS_MODEL";

    /// Name and snapshot folder of the default, the embedded organisms.
    public const string OrganismsName = "organisms";

    /// The embedded organisms (no HARNESS_MODEL).
    public static HypothesisModel Organisms { get; } = new((string?)null);

    private HypothesisModel(string? argument)
    {
        Argument = argument;
        SnapshotFolder = FolderName(argument);
    }

    /// What to hand the harness as `--model`; null for the default organisms.
    public string? Argument { get; }

    /// For messages: the argument, or "organisms".
    public string Name => Argument ?? OrganismsName;

    /// The folder under snapshots/: `organisms`, `gpt2`, `EleutherAI--gpt-neo-125m`, or a local
    /// model folder's own name.
    public string SnapshotFolder { get; }

    public bool IsOrganisms => Argument is null;

    /// The model of this test run (run parameter, else environment, else the organisms).
    public static HypothesisModel Current => SnapshotSettings.Current.Model;

    /// null, empty or "organisms" mean the default organisms; anything else is a model name.
    public static HypothesisModel FromName(string? name) =>
        string.IsNullOrWhiteSpace(name) || string.Equals(name.Trim(), OrganismsName, StringComparison.OrdinalIgnoreCase)
            ? Organisms
            : new HypothesisModel(name.Trim());

    /// The folder-safe form of a model name:
    ///   - null, empty, "organisms": `organisms`;
    ///   - a path (rooted, starting with `.` or `~`, with a backslash, a trailing slash or more
    ///     than one `/`, the rule ModelResolver uses): the last folder's name, so `/data/gpt2/`
    ///     and `./gpt2` share the snapshots of hub `gpt2`;
    ///   - a hub id `org/name`: `org--name`, as in the HuggingFace cache's `models--org--name`;
    ///   - any other name (`gpt2`, an organism): itself.
    /// Characters other than letters, digits, '.', '_' and '-' become '_', and a leading '.' does
    /// too, so the result is one ordinary folder name on every system. Write `./org/name` for a
    /// local folder that would otherwise read as a hub id.
    public static string FolderName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return OrganismsName;
        name = name.Trim();
        if (string.Equals(name, OrganismsName, StringComparison.OrdinalIgnoreCase)) return OrganismsName;
        string folder;
        if (LooksLikePath(name))
        {
            var trimmed = name.Replace('\\', '/').TrimEnd('/');
            folder = trimmed.Length == 0 ? "" : trimmed[(trimmed.LastIndexOf('/') + 1)..];
            if (folder is "" or "." or ".." or "~")
                folder = Path.GetFileName(Path.GetFullPath(trimmed.Length == 0 ? "/" : trimmed).TrimEnd('/', '\\'));
        }
        else
        {
            folder = name.Replace("/", "--", StringComparison.Ordinal);
        }
        var safe = new StringBuilder(folder.Length);
        foreach (var c in folder)
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        if (safe.Length > 0 && safe[0] == '.') safe[0] = '_';
        return safe.Length == 0 ? "root" : safe.ToString();
    }

    private static bool LooksLikePath(string model) =>
        Path.IsPathRooted(model)
        || model.StartsWith('.') || model.StartsWith('~')
        || model.Contains('\\') || model.EndsWith('/')
        || model.Count(c => c == '/') > 1;

    public override string ToString() => Argument is null ? OrganismsName : $"{Argument} (snapshots/{SnapshotFolder})";
}
