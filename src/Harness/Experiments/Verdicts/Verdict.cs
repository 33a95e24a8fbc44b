namespace Harness.Experiments.Verdicts;

/// What a verdict rule concluded: the table of per-method verdicts (MethodVerdict), one overall
/// word, and the point estimates the reader needs beside them ("rlace: bias 0.873 -> 0.731").
///
/// The overall word (README, "How verdicts are decided"): the verdict of the method the hypothesis
/// is about (the rule's `Subject`: RLACE for the discussion's claims about its direction) when that
/// method was judged; without it, the word every judged method agrees on, else "mixed". Methods
/// whose word differs from the overall one are listed as disagreements: they are a result, not a
/// muddle.
public sealed record Verdict(string Word, IReadOnlyList<MethodVerdict> Methods, IReadOnlyList<string> Evidence)
{
    public const string Supported = "supported";
    public const string NotSupported = "not supported";
    public const string Mixed = "mixed";
    public const string Inconclusive = "inconclusive";

    public static Verdict Missing(string what) => new(Inconclusive, [], [$"missing results: {what}"]);

    /// The overall verdict from the per-method ones; `subject` is the label of the method the
    /// hypothesis is about (null when it did not run), `about` what it is ("rlace").
    public static Verdict Of(string about, string? subject, IReadOnlyList<MethodVerdict> methods, IReadOnlyList<string> evidence)
    {
        if (methods.Count == 0) return new(Inconclusive, methods, [.. evidence, "no method was judged"]);
        var lead = subject is null ? null : methods.FirstOrDefault(m => m.Method == subject);
        string word;
        string how;
        if (lead is not null)
        {
            word = lead.Word;
            how = $"overall: {lead.Method}'s verdict, the method the hypothesis is about";
        }
        else
        {
            var words = methods.Select(m => m.Word).Distinct().ToList();
            word = words.Count == 1 ? words[0] : Mixed;
            how = $"overall: no {about} result, so the methods' common verdict";
        }
        var disagree = methods.Where(m => m.Word != word).Select(m => $"{m.Method} ({m.Word})").ToList();
        if (disagree.Count > 0) how += $"; {(word == Mixed ? "the methods disagree" : "disagreeing")}: {string.Join(", ", disagree)}";
        return new(word, methods, [.. evidence, how]);
    }

    public override string ToString() =>
        $"{Word}: {string.Join("; ", Methods.Select(m => m.Line).Concat(Evidence))}";
}
