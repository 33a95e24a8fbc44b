namespace Harness.Experiments.Verdicts;

/// One method's verdict on a hypothesis: its word and the checks (MethodEvidence) that decided it.
/// A method's claim is universal over its checks (every edit, site or comparison the rule names):
/// supported when every check is, not supported when any check is not, otherwise inconclusive.
public sealed record MethodVerdict(string Method, string Word, IReadOnlyList<Check> Checks)
{
    public static MethodVerdict Of(string method, IReadOnlyList<Check> checks) =>
        new(method, Combine(checks.Select(c => c.Word).ToList()), checks);

    public static string Combine(IReadOnlyCollection<string> words) =>
        words.Count == 0 ? Verdict.Inconclusive
        : words.All(w => w == Verdict.Supported) ? Verdict.Supported
        : words.Any(w => w == Verdict.NotSupported) ? Verdict.NotSupported
        : Verdict.Inconclusive;

    /// "rlace: supported (effect -0.449 [-0.472, -0.427] < 0.000; null rank 0.010 <= 0.050)".
    public string Line => $"{Method}: {Word} ({string.Join("; ", Checks.Select(c => c.Line))})";
}
