namespace Harness.Experiments.Verdicts;

/// What a verdict rule concluded: a short word or two ("supported", "not supported", "mixed",
/// "inconclusive", or a rule's own words such as "different"), and the numbers that decided it, in
/// one readable line each ("rlace: bias 0.873 -> 0.731 (drop 0.142 > 0.02)").
public sealed record Verdict(string Word, IReadOnlyList<string> Evidence)
{
    public const string Supported = "supported";
    public const string NotSupported = "not supported";
    public const string Mixed = "mixed";
    public const string Inconclusive = "inconclusive";

    public static Verdict Missing(string what) => new(Inconclusive, [$"missing results: {what}"]);

    /// "supported" when every check passed, "not supported" when none did, else "mixed".
    public static string FromChecks(IReadOnlyCollection<bool> checks) =>
        checks.Count == 0 ? Inconclusive
        : checks.All(c => c) ? Supported
        : checks.Any(c => c) ? Mixed
        : NotSupported;

    public override string ToString() => $"{Word}: {string.Join("; ", Evidence)}";
}
