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

    public static TextSet Prompts(ConceptDataset dataset, Split split)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Prompts(split));
        if (!dataset.HasPrompts(split))
            throw new UsageException($"{file}: no such file (dataset '{dataset.Name}' has no {DatasetFiles.SplitName(split)} prompts)");
        var prompts = dataset.Prompts(split);
        return Build(dataset.Name, file, prompts.Select(s => s.Prompt).ToList(), prompts.Select(s => PromptSet.IndexOf(dataset.Labels, s.Label)).ToArray(),
            prompts.Select(p => p.Pair).ToArray());
    }

    public static TextSet Text(ConceptDataset dataset, int max)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Text);
        var texts = dataset.Text().Take(max).Select(t => t.Text).ToList();
        return Build(dataset.Name, file, texts, new int[texts.Count], null);
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
        Ids.All(t => t.Length <= positions) ? this : new TextSet { Dataset = Dataset, File = File, Labels = Labels, Pairs = Pairs, Ids = Ids.Select(t => t.Length <= positions ? t : t[..positions]).ToArray() };
}
