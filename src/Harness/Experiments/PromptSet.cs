using Harness.Concepts;
using Harness.Models;

namespace Harness.Experiments;

/// A dataset's bias prompts of one split, tokenized: each prompt's token ids, its correct and wrong
/// answer token ids, its label index (in the dataset's label order) and pair id.
public sealed class PromptSet
{
    public required string Dataset { get; init; }
    public required Split Split { get; init; }
    public required string File { get; init; }
    public required int[][] Ids { get; init; }
    public required int[] Correct { get; init; }
    public required int[] Wrong { get; init; }
    public required int[] Labels { get; init; }
    public required int[] Pairs { get; init; }
    public required IReadOnlyList<string> LabelNames { get; init; }
    /// Each prompt's `cue` field (which cue it carries), or null when the dataset has none: the
    /// runner adds rows per cue value.
    public string[]? Cues { get; init; }

    public int Count => Ids.Length;
    /// The split as rows name it: "train" / "test", or "subset-k" for a subset's own prompts.
    public string SplitName => Subset is int k ? PromptSubsets.SplitName(k) : DatasetFiles.SplitName(Split);
    /// For the prompts of subset k of the training split (Select), k, and their indices in it.
    public int? Subset { get; init; }
    public int[]? Items { get; init; }

    /// Tokenizes the prompts (the first `max` when given); every answer must be one GPT-2 token.
    public static PromptSet From(ConceptDataset dataset, Split split, int? max = null)
    {
        var file = Path.Combine(dataset.Directory, DatasetFiles.Prompts(split));
        if (!dataset.HasPrompts(split))
            throw new UsageException($"{file}: no such file (dataset '{dataset.Name}' has no {DatasetFiles.SplitName(split)} prompts)");
        var prompts = dataset.Prompts(split);
        if (max is int m) prompts = prompts.Take(m).ToList();
        var tokenizer = Gpt2Tokenizer.Instance;
        var ids = new int[prompts.Count][];
        var correct = new int[prompts.Count];
        var wrong = new int[prompts.Count];
        for (int i = 0; i < prompts.Count; i++)
        {
            var p = prompts[i];
            var where = $"{file}: prompt {i + 1}";
            ids[i] = tokenizer.Encode(p.Prompt);
            if (ids[i].Length == 0) throw new HarnessException($"{where}: the prompt has no tokens");
            correct[i] = tokenizer.SingleToken(p.Correct, where);
            wrong[i] = tokenizer.SingleToken(p.Wrong, where);
        }
        return new PromptSet
        {
            Dataset = dataset.Name,
            Split = split,
            File = file,
            Ids = ids,
            Correct = correct,
            Wrong = wrong,
            Labels = prompts.Select(p => IndexOf(dataset.Labels, p.Label)).ToArray(),
            Pairs = prompts.Select(p => p.Pair).ToArray(),
            LabelNames = dataset.Labels,
            Cues = prompts.Any(p => p.Cue is not null) ? prompts.Select(p => p.Cue ?? "none").ToArray() : null,
        };
    }

    /// The first `n` prompts.
    public PromptSet Take(int n) => n >= Count ? this : new PromptSet
    {
        Dataset = Dataset, Split = Split, File = File, LabelNames = LabelNames, Subset = Subset,
        Ids = Ids[..n], Correct = Correct[..n], Wrong = Wrong[..n], Labels = Labels[..n], Pairs = Pairs[..n], Cues = Cues?[..n],
    };

    /// The prompts at `items`, as subset `index`'s own prompts.
    public PromptSet Select(int[] items, int index) => new()
    {
        Dataset = Dataset, Split = Split, File = File, LabelNames = LabelNames, Subset = index, Items = items,
        Ids = items.Select(i => Ids[i]).ToArray(), Correct = items.Select(i => Correct[i]).ToArray(),
        Wrong = items.Select(i => Wrong[i]).ToArray(), Labels = items.Select(i => Labels[i]).ToArray(),
        Pairs = items.Select(i => Pairs[i]).ToArray(), Cues = Cues is null ? null : items.Select(i => Cues[i]).ToArray(),
    };

    /// Whether some prompt has a partner of the other label: only then are rows per label
    /// comparable (gender's she / he prompts); the arbitrary a / b labels of unpaired prompts
    /// (`unrelated`) get pooled rows only.
    public bool Paired => _paired ??= Partners().Any(p => p >= 0);
    private bool? _paired;

    /// For each prompt, the index of its partner (same pair, other label), or -1.
    public int[] Partners()
    {
        var partners = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            partners[i] = -1;
            for (int j = 0; j < Count; j++)
                if (j != i && Pairs[j] == Pairs[i] && Labels[j] != Labels[i]) { partners[i] = j; break; }
        }
        return partners;
    }

    /// Checks the prompts fit the model: length, answer ids inside the vocabulary.
    public void CheckFits(ModelConfig config, string model, int extraTokens)
    {
        for (int i = 0; i < Count; i++)
        {
            if (Ids[i].Length + extraTokens > config.NPositions)
                throw new HarnessException($"{File}: prompt {i + 1} has {Ids[i].Length} tokens{(extraTokens > 0 ? $" (+{extraTokens} generated)" : "")}, more than the {config.NPositions} positions of model {model}");
            foreach (var id in new[] { Correct[i], Wrong[i] })
                if (id >= config.VocabSize)
                    throw new HarnessException($"{File}: prompt {i + 1}: answer token id {id} is outside the vocabulary of model {model} (vocab_size {config.VocabSize})");
        }
    }

    internal static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] == label) return i;
        throw new InvalidOperationException($"label {label} is not in the dataset's label set");
    }
}
