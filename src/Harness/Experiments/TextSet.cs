using Harness.Concepts;
using Harness.Models;

namespace Harness.Experiments;

/// Texts tokenized for an experiment, each with a label index (0 for unlabelled text): a concept
/// dataset's labelled sentences or prompts (for fitting directions and probes), or a dataset's
/// running text (text.jsonl, for KL damage and perplexity). Texts longer than the model's position
/// table are cut to it (Truncate).
public sealed class TextSet
{
    public required string Dataset { get; init; }
    public required string File { get; init; }
    public required int[][] Ids { get; init; }
    public required int[] Labels { get; init; }

    /// Each text's dataset pair (minimal pairs share one), or null when the texts are unpaired.
    public int[]? Pairs { get; init; }

    public int Count => Ids.Length;

    /// The tokens that tell the dataset's paired items apart (ConceptTokens: gender's she / he,
    /// her / him, the names, queen / king ...), whose prediction an edit of the concept is meant to
    /// change; null for text of a dataset without pairs. Text damage is also measured at the other
    /// positions only ("text-unflipped").
    public IReadOnlySet<int>? ConceptTokens { get; init; }

    /// The tokens that differ between the two items of a pair (each item's tokens not in its
    /// partner's), over every pair of the given texts: for a minimal-pair dataset, the concept's
    /// words (gender: pronouns, names, gendered nouns; politics: the stance words).
    public static IEnumerable<int> PairDifferences(IReadOnlyList<int[]> ids, IReadOnlyList<int> pairs, IReadOnlyList<int> labels)
    {
        foreach (var pair in Enumerable.Range(0, ids.Count).GroupBy(i => pairs[i]))
        {
            var items = pair.ToList();
            if (items.Count != 2 || labels[items[0]] == labels[items[1]]) continue;
            var a = ids[items[0]].ToHashSet();
            var b = ids[items[1]].ToHashSet();
            foreach (var t in a) if (!b.Contains(t)) yield return t;
            foreach (var t in b) if (!a.Contains(t)) yield return t;
        }
    }

    /// The cluster a text is resampled with: its pair, or itself when unpaired.
    public int ClusterOf(int text) => Pairs?[text] ?? text;

    public static TextSet Sentences(ConceptDataset dataset, Split split)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Sentences(split));
        if (!dataset.HasSentences(split))
            throw new UsageException($"{file}: no such file (dataset '{dataset.Name}' has no {DatasetFiles.SplitName(split)} sentences; use \"source\": \"prompts\" to fit on its prompts)");
        var sentences = dataset.Sentences(split);
        return Build(dataset.Name, file, sentences.Select(s => s.Text).ToList(), sentences.Select(s => PromptSet.IndexOf(dataset.Labels, s.Label)).ToArray(),
            sentences.Select(s => s.Pair).ToArray());
    }

    public static TextSet Prompts(ConceptDataset dataset, Split split, string? cue = null)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Prompts(split));
        if (!dataset.HasPrompts(split))
            throw new UsageException($"{file}: no such file (dataset '{dataset.Name}' has no {DatasetFiles.SplitName(split)} prompts)");
        var prompts = dataset.Prompts(split);
        if (cue is not null)
        {
            var values = prompts.Select(p => p.Cue).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            prompts = prompts.Where(p => p.Cue == cue).ToList();
            if (prompts.Count == 0)
                throw new UsageException($"{file}: no prompt has cue \"{cue}\" ({(values.Count == 0 ? "its prompts have no cue field" : "cues: " + string.Join(", ", values))})");
        }
        return Build(dataset.Name, file, prompts.Select(s => s.Prompt).ToList(), prompts.Select(s => PromptSet.IndexOf(dataset.Labels, s.Label)).ToArray(),
            prompts.Select(p => p.Pair).ToArray());
    }

    /// The first `max` texts of the dataset's text.jsonl; `conceptTokens` as ConceptTokens.
    public static TextSet Text(ConceptDataset dataset, int max, IReadOnlySet<int>? conceptTokens = null)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Text);
        var texts = dataset.Text().Take(max).Select(t => t.Text).ToList();
        var built = Build(dataset.Name, file, texts, new int[texts.Count], null);
        return conceptTokens is null ? built : new TextSet { Dataset = built.Dataset, File = file, Ids = built.Ids, Labels = built.Labels, ConceptTokens = conceptTokens };
    }

    private static TextSet Build(string dataset, string file, IReadOnlyList<string> texts, int[] labels, int[]? pairs)
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        var ids = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            ids[i] = tokenizer.Encode(texts[i]);
            if (ids[i].Length == 0) throw new HarnessException($"{file}: record {i + 1} has no tokens");
        }
        return new TextSet { Dataset = dataset, File = file, Ids = ids, Labels = labels, Pairs = pairs };
    }

    /// The same texts cut to at most `positions` tokens.
    public TextSet Truncate(int positions) =>
        Ids.All(t => t.Length <= positions) ? this : new TextSet { Dataset = Dataset, File = File, Labels = Labels, Pairs = Pairs, ConceptTokens = ConceptTokens, Ids = Ids.Select(t => t.Length <= positions ? t : t[..positions]).ToArray() };

    /// Whether each real position, text by text, counts as unflipped: its next token is not one of
    /// ConceptTokens (the last position predicts no known token and counts). Null without them.
    public bool[]? Unflipped() => ConceptTokens is not { } answers ? null
        : Ids.SelectMany(t => Enumerable.Range(0, t.Length).Select(p => p + 1 >= t.Length || !answers.Contains(t[p + 1]))).ToArray();
}
