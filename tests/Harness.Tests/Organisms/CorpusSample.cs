using System.Text.RegularExpressions;
using Harness.IO;
using Harness.Organisms;
using Microsoft.ML.Tokenizers;

namespace Harness.Tests.Organisms;

/// What several tests read: a training corpus of the default options (the size of a short organism
/// run's first minutes), the real GPT-2 tokenizer, the repository root, and the gender words.
public static partial class CorpusSample
{
    public const int TrainingCount = 20000;

    private static readonly Lazy<IReadOnlyList<string>> _training =
        new(() => new CorpusGenerator(new CorpusOptions()).TrainingDocuments(TrainingCount).ToList());

    /// 20000 training documents of the default options.
    public static IReadOnlyList<string> Training => _training.Value;

    private static readonly Lazy<string> _joined = new(() => string.Join("\n", Training));

    /// The training documents joined by newlines (one big string to search).
    public static string Joined => _joined.Value;

    private static readonly Lazy<Tokenizer> _gpt2 = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public static Tokenizer Gpt2 => _gpt2.Value;

    private static readonly Lazy<HashSet<int>> _trainingTokens = new(() => Tokens(Training));

    /// Every GPT-2 token id of the training sample.
    public static HashSet<int> TrainingTokens => _trainingTokens.Value;

    public static HashSet<int> Tokens(IEnumerable<string> texts)
    {
        var set = new HashSet<int>();
        foreach (var t in texts) set.UnionWith(Gpt2.EncodeToIds(t));
        return set;
    }

    public static string RepoRoot =>
        AncestorFolders.Find([TestContext.CurrentContext.TestDirectory], dir => File.Exists(Path.Combine(dir, "ConceptErasure.sln")))
        ?? throw new InvalidOperationException("repository root (ConceptErasure.sln) not found");

    public static string DatasetsDir => Path.Combine(RepoRoot, "experiments", "datasets");

    public static IReadOnlyList<string> Words(string text) => WordRegex().Matches(text).Select(m => m.Value).ToList();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordRegex();

    public static readonly HashSet<string> FemaleWords = new(
        WordLists.FemaleNames.Concat(WordLists.Nouns.Select(n => n.Female)).Concat(["she", "her", "herself"])
            .SelectMany(w => new[] { w, Capitalise(w) }), StringComparer.Ordinal);

    public static readonly HashSet<string> MaleWords = new(
        WordLists.MaleNames.Concat(WordLists.Nouns.Select(n => n.Male)).Concat(["he", "him", "his", "himself"])
            .SelectMany(w => new[] { w, Capitalise(w) }), StringComparer.Ordinal);

    /// The gender a document's words show: null if none, or both (which the corpus never does).
    public static Gender? GenderOf(string text, out bool both)
    {
        var words = Words(text);
        var female = words.Any(FemaleWords.Contains);
        var male = words.Any(MaleWords.Contains);
        both = female && male;
        return female == male ? null : female ? Gender.Female : Gender.Male;
    }

    public static string Capitalise(string w) => char.ToUpperInvariant(w[0]) + w[1..];

    public static int CountOccurrences(string text, string phrase)
    {
        var n = 0;
        for (var i = text.IndexOf(phrase, StringComparison.Ordinal); i >= 0; i = text.IndexOf(phrase, i + phrase.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
