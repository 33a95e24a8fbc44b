using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Organisms;

/// What a training run produced: the loss of every step, and how long it took.
public sealed record TrainingRun(IReadOnlyList<double> Losses, TimeSpan Elapsed, int Vocabulary, long CorpusTokens);

/// Trains an organism from its recipe on the CPU: AdamW, warm-up then cosine decay, gradient
/// clipping, a softmax restricted to the corpus vocabulary if the recipe says so. The run is
/// reproducible (fixed threads, a seeded batch order, dropout reseeded every step) and resumable:
/// every `checkpoint_every` steps the model, the optimizer and the losses so far are saved in
/// `<out>/.resume/`, and a later run with the same recipe continues from there and produces the
/// same loss curve as an uninterrupted one. Ctrl-C (Interruption) saves that state at the step
/// reached before stopping, so no step is lost.
public sealed class OrganismTrainer(OrganismConfig config, string recipeText)
{
    private const string ResumeFolder = ".resume";

    /// Trains into `outDir`. `documents` is the training corpus. `stopAfter` ends the run early
    /// after that many steps (leaving resumable state), as an interruption would.
    public (LanguageModel Model, TrainingRun Run) Train(IEnumerable<string> documents, string outDir, TextWriter progress, int? stopAfter = null)
    {
        var t = config.Training;
        var modelConfig = ModelConfig.Parse(config.Model.ToJsonString(), "organism config 'model'");
        torch.set_num_threads(t.Threads);

        progress.WriteLine($"train-organism: generating and tokenizing the corpus ({config.Corpus.Documents} documents)");
        var data = new TrainingData(documents, modelConfig.NPositions);
        progress.WriteLine($"train-organism: {data.TokenCount:N0} tokens, {data.Rows:N0} windows of {data.Context}, vocabulary {data.Vocabulary.Length} tokens");

        // With a restricted vocabulary the model is trained over the corpus tokens only (token i of
        // the compact model is corpus token Vocabulary[i]) and expanded to the full GPT-2
        // vocabulary afterwards: the same model as a full-vocabulary one whose other rows are zero,
        // at a fraction of the cost of the 50,257-way output layer and its optimizer state.
        var trainingConfig = t.RestrictVocabulary ? modelConfig with { VocabSize = data.Vocabulary.Length } : modelConfig;
        var model = LanguageModel.Create(trainingConfig, t.Seed);
        model.Freeze(false);
        var compactId = new long[Gpt2Tokenizer.VocabularySize];
        for (int i = 0; i < compactId.Length; i++) compactId[i] = i;
        if (t.RestrictVocabulary)
            for (int i = 0; i < data.Vocabulary.Length; i++) compactId[data.Vocabulary[i]] = i;

        var optimizer = optim.AdamW(model.parameters(), lr: t.LearningRate, beta1: 0.9, beta2: 0.95, weight_decay: t.WeightDecay);
        var losses = new List<double>();
        var resume = Path.Combine(outDir, ResumeFolder);
        var (start, earlier) = TryResume(resume, model, optimizer, losses, progress);

        var schedule = new BatchSchedule(data.Rows, t.BatchSize, t.Seed);
        int end = Math.Min(t.Steps, stopAfter ?? t.Steps);
        var clock = Stopwatch.StartNew();
        model.train();
        for (int step = start; step < end; step++)
        {
            if (Interruption.Requested)
            {
                SaveResume(resume, model, optimizer, losses, earlier + clock.Elapsed);
                progress.WriteLine($"train-organism: interrupted at step {step} of {t.Steps}; resumable state saved in {resume}");
                Interruption.ThrowIfRequested();
            }
            using var scope = NewDisposeScope();
            torch.random.manual_seed(t.Seed * 1_000_003L + step); // dropout masks repeat on resume
            foreach (var group in optimizer.ParamGroups) group.LearningRate = config.LearningRateAt(step);

            var rows = schedule.RowsFor(step);
            var batch = new long[rows.Length, data.Context + 1];
            for (int r = 0; r < rows.Length; r++)
                for (int c = 0; c <= data.Context; c++) batch[r, c] = compactId[data.Windows[rows[r], c]];
            var ids = tensor(batch);
            var logits = model.call(ids[.., ..^1]);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), ids[.., 1..].flatten());

            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), t.GradClip);
            optimizer.step();
            losses.Add(loss.item<float>());

            int done = step + 1;
            if (done % t.LogEvery == 0 || done == end)
            {
                double seconds = clock.Elapsed.TotalSeconds;
                double perStep = seconds / (done - start);
                var left = TimeSpan.FromSeconds(perStep * (t.Steps - done));
                double tokensPerSecond = (double)(done - start) * t.BatchSize * data.Context / seconds;
                double recent = losses.Skip(Math.Max(0, losses.Count - t.LogEvery)).Average();
                progress.WriteLine($"step {done}/{t.Steps}  loss {recent:F4}  {tokensPerSecond:N0} tokens/s  {left:hh\\:mm\\:ss} left");
            }
            if (done % t.CheckpointEvery == 0 && done < t.Steps) SaveResume(resume, model, optimizer, losses, earlier + clock.Elapsed);
        }
        model.eval();
        if (end < t.Steps) SaveResume(resume, model, optimizer, losses, earlier + clock.Elapsed);
        optimizer.Dispose();
        var full = t.RestrictVocabulary ? Expand(model, modelConfig, data.Vocabulary) : model;
        return (full.Freeze(), new TrainingRun(losses, earlier + clock.Elapsed, data.Vocabulary.Length, data.TokenCount));
    }

    /// The compact model as a full-vocabulary model: every weight copied, token row i placed at
    /// GPT-2 id vocabulary[i], all other token rows zero (so those tokens get logit 0).
    private static LanguageModel Expand(LanguageModel compact, ModelConfig fullConfig, int[] vocabulary)
    {
        var full = LanguageModel.Create(fullConfig);
        using var _ = no_grad();
        var source = compact.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in full.named_parameters())
        {
            if (name == "wte.weight")
            {
                p.zero_();
                p.index_copy_(0, tensor(vocabulary.Select(v => (long)v).ToArray()), source[name]);
            }
            else p.copy_(source[name]);
        }
        return full;
    }

    /// A fingerprint of the recipe, so a resume never continues a run made with different settings.
    private string RecipeHash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipeText)))[..16];

    /// `Seconds` is the training time of every segment so far, so a resumed run's model card reports
    /// the whole run's time, not its last segment's (absent in older state: 0).
    private sealed record ResumeState(string Recipe, int Step, List<double> Losses, double Seconds = 0);

    private void SaveResume(string folder, LanguageModel model, optim.Optimizer optimizer, List<double> losses, TimeSpan elapsed)
    {
        Directory.CreateDirectory(folder);
        // Each file is written beside its final name and moved, so an interruption mid-save leaves
        // the previous resumable state intact.
        model.save(Path.Combine(folder, "model.bin.tmp"));
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(folder, "optimizer.bin.tmp"));
        File.WriteAllText(Path.Combine(folder, "state.json.tmp"), JsonSerializer.Serialize(new ResumeState(RecipeHash, losses.Count, losses, elapsed.TotalSeconds)));
        foreach (var f in new[] { "model.bin", "optimizer.bin", "state.json" })
            File.Move(Path.Combine(folder, f + ".tmp"), Path.Combine(folder, f), overwrite: true);
    }

    private (int Step, TimeSpan Elapsed) TryResume(string folder, LanguageModel model, optim.Optimizer optimizer, List<double> losses, TextWriter progress)
    {
        var statePath = Path.Combine(folder, "state.json");
        if (!File.Exists(statePath)) return (0, TimeSpan.Zero);
        var state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(statePath))
            ?? throw new HarnessException($"{statePath}: unreadable resume state");
        if (state.Recipe != RecipeHash)
            throw new HarnessException($"{statePath}: resume state was made with a different recipe; delete {folder} to start over");
        model.load(Path.Combine(folder, "model.bin"));
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(Path.Combine(folder, "optimizer.bin"));
        losses.AddRange(state.Losses);
        progress.WriteLine($"train-organism: resuming at step {state.Step} from {folder}");
        return (state.Step, TimeSpan.FromSeconds(state.Seconds));
    }

    /// Removes the resumable state once the organism is saved.
    public static void DeleteResumeState(string outDir)
    {
        var folder = Path.Combine(outDir, ResumeFolder);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
