using Harness.Models;

namespace Harness.Organisms;

/// The corpus as the trainer sees it: every document tokenized and followed by <|endoftext|>,
/// concatenated into one token stream and cut into windows of context + 1 tokens (inputs and their
/// next-token targets), plus the corpus vocabulary used to restrict the training softmax.
public sealed class TrainingData
{
    /// [rows, context + 1] token ids; row r covers stream[r * context .. r * context + context].
    public long[,] Windows { get; }
    public int Context { get; }
    /// Sorted distinct token ids that occur in the stream (the corpus vocabulary).
    public int[] Vocabulary { get; }
    /// How often each token occurs in the stream, for the unigram baseline.
    public IReadOnlyDictionary<int, long> Counts { get; }
    public long TokenCount { get; }

    public TrainingData(IEnumerable<string> documents, int context, IEnumerable<int>? extraVocabulary = null)
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        var stream = new List<int>();
        foreach (var doc in documents)
        {
            stream.AddRange(tokenizer.Encode(doc));
            stream.Add(Gpt2Tokenizer.EndOfText);
        }
        TokenCount = stream.Count;
        Context = context;
        int rows = (stream.Count - 1) / context;
        if (rows == 0) throw new HarnessException($"corpus: {stream.Count} tokens are fewer than one window of {context + 1}");
        Windows = new long[rows, context + 1];
        for (int r = 0; r < rows; r++)
            for (int t = 0; t <= context; t++)
                Windows[r, t] = stream[r * context + t];

        var counts = new Dictionary<int, long>();
        foreach (var id in stream) counts[id] = counts.GetValueOrDefault(id) + 1;
        Counts = counts;
        Vocabulary = counts.Keys.Concat(extraVocabulary ?? Array.Empty<int>()).Distinct().Order().ToArray();
    }

    public int Rows => Windows.GetLength(0);

    /// Cross-entropy (nats per token) of a unigram model fitted on these counts, evaluated on
    /// `other` tokens (held-out text): the baseline a language model must beat by far. Tokens never
    /// seen get add-one smoothing so the baseline stays finite.
    public double UnigramCrossEntropy(IEnumerable<int> other)
    {
        double total = TokenCount + Vocabulary.Length + 1;
        double sum = 0;
        long n = 0;
        foreach (var id in other)
        {
            sum -= Math.Log((Counts.GetValueOrDefault(id) + 1) / total);
            n++;
        }
        return sum / Math.Max(1, n);
    }
}

/// Which windows form the batch of each step: an independent seeded permutation per epoch, so a
/// resumed run draws exactly the batches the uninterrupted run would have drawn.
public sealed class BatchSchedule(int rows, int batchSize, int seed)
{
    private int _cachedEpoch = -1;
    private int[] _permutation = Array.Empty<int>();

    public int[] RowsFor(int step)
    {
        var result = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            long global = (long)step * batchSize + i;
            result[i] = Permutation((int)(global / rows))[(int)(global % rows)];
        }
        return result;
    }

    private int[] Permutation(int epoch)
    {
        if (epoch == _cachedEpoch) return _permutation;
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        var p = Enumerable.Range(0, rows).ToArray();
        for (int i = rows - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        _cachedEpoch = epoch;
        _permutation = p;
        return p;
    }
}
