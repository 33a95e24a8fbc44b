using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// The trainer is reproducible (same recipe, same loss curve), resumable (an interrupted run,
/// resumed, gives the curve of an uninterrupted one), and its recipe is read strictly.
public class OrganismTrainerTests
{
    private const string TinyRecipe = """
        {
          "model": { "model_type": "gpt2", "n_layer": 2, "n_embd": 32, "n_head": 2, "n_positions": 32,
                     "vocab_size": 50257, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "resid_pdrop": 0.1, "embd_pdrop": 0.1, "attn_pdrop": 0.1 },
          "corpus": { "documents": 300, "held_out_documents": 20, "generator": { "seed": 7 } },
          "training": { "seed": 3, "steps": 12, "batch_size": 4, "learning_rate": 0.003, "warmup_steps": 2,
                        "checkpoint_every": 4, "threads": 1, "log_every": 4 }
        }
        """;

    private static (IReadOnlyList<double> Losses, Harness.Models.LanguageModel Model, TimeSpan Elapsed) Train(string recipe, string outDir, int? stopAfter = null)
    {
        var path = Path.Combine(outDir, "..", Path.GetFileName(outDir) + ".json");
        File.WriteAllText(path, recipe);
        var config = OrganismConfig.Load(path);
        var trainer = new OrganismTrainer(config, recipe);
        var documents = new CorpusGenerator(config.Corpus.Generator).TrainingDocuments(config.Corpus.Documents);
        var (model, run) = trainer.Train(documents, outDir, TextWriter.Null, stopAfter);
        return (run.Losses, model, run.Elapsed);
    }

    [Test]
    public void TheSameRecipeGivesTheSameLossCurve()
    {
        using var temp = new TempFolder();
        var a = Train(TinyRecipe, temp.File("a")).Losses;
        var b = Train(TinyRecipe, temp.File("b")).Losses;
        a.Should().HaveCount(12);
        b.Should().Equal(a);
        a.Last().Should().BeLessThan(a.First(), "twelve steps of AdamW lower the loss");
    }

    [Test]
    public void AnInterruptedRunResumesToTheSameLossCurve()
    {
        using var temp = new TempFolder();
        var whole = Train(TinyRecipe, temp.File("whole")).Losses;
        var first = Train(TinyRecipe, temp.File("split"), stopAfter: 6);
        first.Losses.Should().HaveCount(6);
        Directory.Exists(Path.Combine(temp.File("split"), ".resume")).Should().BeTrue();
        var resumed = Train(TinyRecipe, temp.File("split"));
        resumed.Losses.Should().Equal(whole);
        // The model card's training time is the whole run's, not the last segment's.
        resumed.Elapsed.Should().BeGreaterThan(first.Elapsed);
    }

    [Test]
    public void ResumingWithAnotherRecipeIsRefused()
    {
        using var temp = new TempFolder();
        Train(TinyRecipe, temp.File("x"), stopAfter: 4);
        var act = () => Train(TinyRecipe.Replace("\"seed\": 3", "\"seed\": 4"), temp.File("x"));
        act.Should().Throw<HarnessException>().WithMessage("*resume state was made with a different recipe*");
    }

    [Test]
    public void TheTrainedModelHasZeroRowsOutsideTheCorpusVocabulary()
    {
        using var temp = new TempFolder();
        var model = Train(TinyRecipe, temp.File("v")).Model;
        var rowNorms = model.TokenEmbedding.norm(dim: 1);
        var he = Harness.Models.Gpt2Tokenizer.Instance.SingleToken(" he", "test");
        var corpusTokens = new CorpusGenerator(new CorpusOptions { Seed = 7 }).TrainingDocuments(300)
            .SelectMany(Harness.Models.Gpt2Tokenizer.Instance.Encode).ToHashSet();
        var unused = Enumerable.Range(1000, 1000).First(id => !corpusTokens.Contains(id));
        rowNorms[he].item<float>().Should().BeGreaterThan(0);
        rowNorms[unused].item<float>().Should().Be(0);
        model.TokenEmbedding.shape[0].Should().Be(50257);
    }

    [TestCase("{\"model\": {}, \"trainig\": {}}", "*trainig*")]
    [TestCase("{\"model\": {}, \"training\": {\"steps\": 0}}", "*training.steps must be positive*")]
    [TestCase("{\"model\": {}, \"corpus\": {\"generator\": {\"attribute_correlation\": 2}}}", "*corpus.generator*AttributeCorrelation*")]
    [TestCase("{\"training\": {}}", "*model*")]
    [TestCase("not json", "*recipe.json*")]
    public void ABadRecipeIsOneLineNamingTheKey(string json, string message)
    {
        using var temp = new TempFolder();
        var path = temp.File("recipe.json");
        File.WriteAllText(path, json);
        var act = () => OrganismConfig.Load(path);
        act.Should().Throw<HarnessException>().WithMessage(message).Which.Message.Should().NotContain("\n");
    }

    [Test]
    public void TrainOrganismRefusesToOverwriteATrainedOrganism()
    {
        using var temp = new TempFolder();
        var outDir = temp.File("organism");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "model.safetensors"), "precious");
        File.WriteAllText(temp.File("recipe.json"), TinyRecipe);
        var (code, _, err) = Cli.Cli.Run("train-organism", "--config", temp.File("recipe.json"), "--out", outDir);
        code.Should().Be(Harness.Cli.CommandLine.ExitUsage);
        err.Should().Be($"error: --out {outDir}: already holds model.safetensors; pass --force to replace it" + Environment.NewLine);
        File.ReadAllText(Path.Combine(outDir, "model.safetensors")).Should().Be("precious");
    }
}
