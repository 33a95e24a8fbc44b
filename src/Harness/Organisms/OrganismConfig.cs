using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Harness.Organisms;

/// The organism's corpus: how many documents, and the generator's options (CorpusOptions).
public sealed record CorpusSettings
{
    /// Number of training documents generated (each a short paragraph of 2-5 sentences).
    public int Documents { get; init; } = 60_000;
    /// Number of held-out documents (same distribution, another seed stream) for the held-out loss.
    public int HeldOutDocuments { get; init; } = 2_000;
    public CorpusOptions Generator { get; init; } = new();
}

/// The optimisation schedule. Everything that influences the numbers is here, so the same file
/// gives the same loss curve.
public sealed record TrainingSettings
{
    public int Seed { get; init; } = 1;
    public int Steps { get; init; } = 3_000;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 3e-3;
    public int WarmupSteps { get; init; } = 100;
    public double WeightDecay { get; init; } = 0.01;
    public double GradClip { get; init; } = 1.0;
    /// Save the resumable state every this many steps.
    public int CheckpointEvery { get; init; } = 250;
    /// Torch intra-op threads; fixed so that float reductions, and so the loss curve, repeat.
    public int Threads { get; init; } = 2;
    /// Compute the training softmax over the corpus vocabulary only (a few hundred tokens instead of
    /// 50,257): ~50x less work in the output layer. Rows of tokens outside the corpus stay zero, so
    /// at inference those tokens get logit 0.
    public bool RestrictVocabulary { get; init; } = true;
    /// Log a progress line every this many steps.
    public int LogEvery { get; init; } = 50;
}

/// An organism's training recipe, read from JSON: the HuggingFace model config (`model`, written
/// as the checkpoint's config.json), the corpus settings and the training schedule. Unknown keys
/// are errors, so a misspelt setting never silently falls back to a default.
public sealed record OrganismConfig
{
    public required JsonObject Model { get; init; }
    public CorpusSettings Corpus { get; init; } = new();
    public TrainingSettings Training { get; init; } = new();

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static OrganismConfig Load(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: organism config not found");
        try
        {
            var config = JsonSerializer.Deserialize<OrganismConfig>(File.ReadAllText(path), Json)
                ?? throw new HarnessException($"{path}: empty organism config");
            config.Validate(path);
            return config;
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: {e.Message.Split('\n')[0]}");
        }
    }

    private void Validate(string path)
    {
        void Check(bool ok, string key, string why)
        {
            if (!ok) throw new UsageException($"{path}: {key} {why}");
        }
        Check(Corpus.Documents > 0, "corpus.documents", "must be positive");
        Check(Corpus.HeldOutDocuments > 0, "corpus.held_out_documents", "must be positive");
        try { Corpus.Generator.Validate(); }
        catch (HarnessException e) { throw new UsageException($"{path}: corpus.generator: {e.Message}"); }
        Check(Training.Steps > 0, "training.steps", "must be positive");
        Check(Training.BatchSize > 0, "training.batch_size", "must be positive");
        Check(Training.LearningRate > 0, "training.learning_rate", "must be positive");
        Check(Training.WarmupSteps >= 0 && Training.WarmupSteps < Training.Steps, "training.warmup_steps", "must be in [0, steps)");
        Check(Training.CheckpointEvery > 0, "training.checkpoint_every", "must be positive");
        Check(Training.Threads > 0, "training.threads", "must be positive");
        Check(Training.LogEvery > 0, "training.log_every", "must be positive");
    }

    /// Learning rate at a step: linear warm-up, then cosine decay to a tenth (nanoGPT's schedule).
    public double LearningRateAt(int step)
    {
        var t = Training;
        if (step < t.WarmupSteps) return t.LearningRate * (step + 1) / t.WarmupSteps;
        double progress = (double)(step - t.WarmupSteps) / Math.Max(1, t.Steps - t.WarmupSteps);
        double min = t.LearningRate / 10;
        return min + 0.5 * (1 + Math.Cos(Math.PI * progress)) * (t.LearningRate - min);
    }
}
