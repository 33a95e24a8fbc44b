using System.Text.RegularExpressions;

namespace Harness.Models;

/// Hub model ids: `name` or `org/name`, as huggingface_hub's validate_repo_id accepts them.
internal static partial class HubRepoId
{
    // Each part is letters, digits, '_', '-', '.', starting and ending with a letter, digit or '_'
    // (Python's `\b[\w\-.]+\b`); the name has at most 96 characters.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/)?(?=[A-Za-z0-9_.\-]{1,96}$)[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex Pattern();

    public static bool IsValid(string id) =>
        Pattern().IsMatch(id)
        // "--" would be ambiguous in the cache folder name (models--org--name), ".." is a path step.
        && !id.Contains("--", StringComparison.Ordinal)
        && !id.Contains("..", StringComparison.Ordinal)
        && !id.EndsWith(".git", StringComparison.Ordinal);

    /// The cache folder of a model repository: `models--{org}--{name}`.
    public static string CacheFolderName(string id) => "models--" + id.Replace("/", "--", StringComparison.Ordinal);
}
