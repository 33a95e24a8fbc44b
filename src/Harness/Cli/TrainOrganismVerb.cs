using System.Globalization;
using System.Text;
using Harness.Experiments;
using Harness.IO;
using Harness.Models;
using Harness.Organisms;

namespace Harness.Cli;

/// `train-organism`: trains a model organism from its recipe, saves it in HuggingFace layout
/// (float16), measures it and writes its model card.
public sealed class TrainOrganismVerb : IVerb
{
    public string Name => "train-organism";
    public string Summary => "train a small GPT-2 / GPT-Neo organism on the generated corpus";
    public string Help => """
        usage: harness train-organism --config RECIPE.json --out DIR [--force] [--stop-after STEPS]

          --config      the organism's recipe: HF model config, corpus settings, training schedule
          --out         folder for config.json, model.safetensors (float16), README.md (model card)
                        and training.json (the recipe); resumable state goes to DIR/.resume/
          --force       replace a trained organism already in DIR
          --stop-after  stop after this many steps, leaving resumable state (as an interruption would)

        An interrupted run resumes from DIR/.resume/ when started again with the same recipe.
        """;

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var configPath = args.Required("config");
        var outDir = args.Required("out");
        bool force = args.Flag("force");
        int? stopAfter = args.Has("stop-after") ? args.Int("stop-after", 0, min: 1) : null;
        args.RejectUnknown();

        var config = OrganismConfig.Load(configPath);
        var recipeText = File.ReadAllText(configPath);
        var weights = Path.Combine(outDir, HfCheckpoint.WeightsFile);
        if (File.Exists(weights) && !force)
            throw new HarnessException($"{outDir}: already holds a trained organism ({HfCheckpoint.WeightsFile}); use --force to replace it");
        Directory.CreateDirectory(outDir);

        var corpus = new CorpusGenerator(config.Corpus.Generator);
        var trainer = new OrganismTrainer(config, recipeText);
        var (model, run) = trainer.Train(corpus.TrainingDocuments(config.Corpus.Documents), outDir, stderr, stopAfter);
        if (run.Losses.Count < config.Training.Steps)
        {
            stdout.WriteLine($"stopped after step {run.Losses.Count} of {config.Training.Steps}; run the same command again to resume");
            return 0;
        }

        HfCheckpoint.Save(model, outDir, TorchSharp.torch.ScalarType.Float16);
        if (Path.GetFullPath(configPath) != Path.GetFullPath(Path.Combine(outDir, "training.json")))
            AtomicFile.Write(Path.Combine(outDir, "training.json"), s => s.Write(Encoding.UTF8.GetBytes(recipeText)));

        stderr.WriteLine("train-organism: measuring the saved (float16) organism");
        var saved = HfCheckpoint.Load(outDir);
        var datasets = ExperimentsFolder.Find() is { } root ? Path.Combine(root, "datasets")
            : throw new HarnessException("train-organism: no experiments/datasets folder found to measure the organism on");
        var report = OrganismEvaluation.Evaluate(saved, corpus, trainSample: 2_000, heldOut: config.Corpus.HeldOutDocuments, datasets);
        var card = ModelCard.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir))), config, saved, run, report, configPath);
        AtomicFile.Write(Path.Combine(outDir, "README.md"), s => s.Write(Encoding.UTF8.GetBytes(card)));
        OrganismTrainer.DeleteResumeState(outDir);

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outDir}: train loss {report.TrainLoss:F3}, held-out loss {report.HeldOutLoss:F3} (unigram {report.UnigramLoss:F3}), gender test accuracy {report.GenderTest.Accuracy:P1}, bias {report.GenderTest.Bias:F3}"));
        return 0;
    }
}
