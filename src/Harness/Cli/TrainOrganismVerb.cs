using System.CommandLine;
using System.Globalization;
using System.Text;
using Harness.Experiments;
using Harness.IO;
using Harness.Models;
using Harness.Organisms;

namespace Harness.Cli;

/// `train-organism`: trains a model organism from its recipe, saves it in HuggingFace layout
/// (float16), measures it and writes its model card.
public sealed class TrainOrganismVerb : Verb
{
    private readonly Option<string> _config, _out;
    private readonly Option<bool> _force;
    private readonly Option<int> _stopAfter;

    public TrainOrganismVerb() : base("train-organism", "train a small GPT-2 / GPT-Neo organism on the generated corpus",
        "Trains a model organism from its recipe, saves it in HuggingFace layout (float16), measures it and\n" +
        "writes its model card. An interrupted run (Ctrl-C saves the step reached) resumes from\n" +
        "DIR/.resume/ when started again with the same recipe.")
    {
        _config = Add(TypedOption.Text("--config", "RECIPE.json", "the organism's recipe: HF model config, corpus settings, training schedule", required: true));
        _out = Add(TypedOption.Text("--out", "DIR",
            "folder for config.json, model.safetensors (float16), README.md (model card) and training.json (the recipe); resumable state goes to DIR/.resume/", required: true));
        _force = Add(TypedOption.Switch("--force",
            "replace the files of an organism already in DIR (config.json, model.safetensors, README.md, training.json); never the recipe itself"));
        _stopAfter = Add(TypedOption.Integer("--stop-after", "STEPS", "stop after this many steps, leaving resumable state (as an interruption would)", min: 1));
    }

    private const string RecipeFile = "training.json";

    /// The files a finished run writes into DIR (training.json only when the recipe is not that file).
    public static readonly string[] OutputFiles = [HfCheckpoint.ConfigFile, HfCheckpoint.WeightsFile, "README.md", RecipeFile];

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var configPath = args.Value(_config);
        var outDir = args.Value(_out);
        bool force = args.Get(_force);
        int? stopAfter = args.Given(_stopAfter) ? args.Get(_stopAfter) : null;

        var config = OrganismConfig.Load(configPath);
        var recipeText = File.ReadAllText(configPath);
        // The recipe may be DIR/training.json (retraining an organism in place): then it is not
        // rewritten, and so not an output.
        bool recipeInPlace = SameFile.Equal(configPath, Path.Combine(outDir, RecipeFile));
        var outputs = OutputFiles.Where(f => !(recipeInPlace && f == RecipeFile));
        OutputFile.CheckFolder("--out", outDir, force, outputs, [new InputFile("--config", configPath)]);
        try { CreatedPaths.CreateFolder(outDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"--out {outDir}: cannot create the folder ({e.Message})");
        }

        // Where the finished organism is measured: looked up before minutes of training, not after.
        var datasets = ExperimentsFolder.Find() is { } root ? Path.Combine(root, "datasets")
            : throw new HarnessException("train-organism: no experiments/datasets folder found to measure the organism on");

        var corpus = new CorpusGenerator(config.Corpus.Generator);
        var trainer = new OrganismTrainer(config, recipeText);
        var (model, run) = trainer.Train(corpus.TrainingDocuments(config.Corpus.Documents), outDir, stderr, stopAfter);
        if (run.Losses.Count < config.Training.Steps)
        {
            stdout.WriteLine($"stopped after step {run.Losses.Count} of {config.Training.Steps}; run the same command again to resume");
            return 0;
        }

        HfCheckpoint.Save(model, outDir, TorchSharp.torch.ScalarType.Float16);
        if (!recipeInPlace)
            AtomicFile.Write(Path.Combine(outDir, RecipeFile), s => s.Write(Encoding.UTF8.GetBytes(recipeText)));

        stderr.WriteLine("train-organism: measuring the saved (float16) organism");
        var saved = HfCheckpoint.Load(outDir);
        var report = OrganismEvaluation.Evaluate(saved, corpus, trainSample: 2_000, heldOut: config.Corpus.HeldOutDocuments, datasets);
        var card = ModelCard.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir))), config, saved, run, report, configPath);
        AtomicFile.Write(Path.Combine(outDir, "README.md"), s => s.Write(Encoding.UTF8.GetBytes(card)));
        OrganismTrainer.DeleteResumeState(outDir);

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outDir}: train loss {report.TrainLoss:F3}, held-out loss {report.HeldOutLoss:F3} (unigram {report.UnigramLoss:F3}), gender test accuracy {report.GenderTest.Accuracy:P1}, bias {report.GenderTest.Bias:F3}"));
        return 0;
    }
}
