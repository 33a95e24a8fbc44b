using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// The logits, generate, activations and bench verbs on a small full-vocabulary model saved in
/// HuggingFace layout.
public class ModelVerbsTests
{
    private TempFolder _temp = null!;
    private string _model = null!;
    private LanguageModel _reference = null!;

    [OneTimeSetUp]
    public void SaveModel()
    {
        _temp = new TempFolder();
        _reference = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 2, dModel: 8, nHeads: 2, nPositions: 32), seed: 5).Freeze();
        _model = _temp["tiny-gpt2"];
        HfCheckpoint.Save(_reference, _model);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _reference.Dispose();
        _temp.Dispose();
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Cli.Run(args);

    [Test]
    public void LogitsPrintsTheTopTokensAndWritesEveryPositionAsNpy()
    {
        var npy = _temp["logits.npy"];
        var (code, output, err) = Run("logits", "--model", _model, "--text", " The nurse said that", "--top", "5", "--npy", npy);
        code.Should().Be(0, err);
        var lines = output.Trim().Split('\n');
        lines[0].Should().Be("top 5 next tokens after 4 tokens (last: ' that')");
        lines.Should().HaveCount(2 + 5);
        err.Should().Contain("logits: loading model").And.Contain("logits: wrote");

        using var scope = NewDisposeScope();
        var saved = Npy.Read(npy);
        saved.dtype.Should().Be(ScalarType.Float32);
        saved.shape.Should().Equal(4, Gpt2Tokenizer.VocabularySize);
        using var noGrad = no_grad();
        var expected = _reference.Logits(new[] { 383, 15849, 531, 326 });
        (saved - expected).abs().max().item<float>().Should().BeLessThan(1e-5f);

        var best = (int)expected[-1].argmax().item<long>();
        lines[2].Should().StartWith("1 ").And.Contain($" {best} ");
    }

    [Test]
    public void LogitsAcceptsTokenIds()
    {
        var byIds = Run("logits", "--model", _model, "--ids", "383,15849,531,326").Out;
        var byText = Run("logits", "--model", _model, "--text", " The nurse said that").Out;
        byIds.Should().Be(byText);
    }

    [Test]
    public void GenerateIsGreedyByDefaultAndSeededWithTopK()
    {
        var greedy = Run("generate", "--model", _model, "--text", "Hello", "--max-new-tokens", "6");
        greedy.Code.Should().Be(0, greedy.Err);
        greedy.Out.Should().StartWith("Hello");
        var expected = _reference.Generate(Gpt2Tokenizer.Instance.Encode("Hello"), new GenerationOptions { MaxNewTokens = 6 });
        greedy.Out.TrimEnd('\n').Should().Be("Hello" + Gpt2Tokenizer.Instance.Decode(expected));
        Run("generate", "--model", _model, "--text", "Hello", "--max-new-tokens", "6", "--greedy").Out.Should().Be(greedy.Out);

        var a = Run("generate", "--model", _model, "--text", "Hello", "--max-new-tokens", "6", "--top-k", "50", "--seed", "3");
        a.Code.Should().Be(0, a.Err);
        Run("generate", "--model", _model, "--text", "Hello", "--max-new-tokens", "6", "--top-k", "50", "--seed", "3").Out.Should().Be(a.Out);

        var both = Run("generate", "--model", _model, "--text", "Hello", "--greedy", "--top-k", "5");
        both.Code.Should().NotBe(0);
        both.Err.Trim().Should().Be("error: generate: give either --greedy or --top-k, not both");
        var tooLong = Run("generate", "--model", _model, "--text", "Hello", "--max-new-tokens", "40");
        tooLong.Code.Should().NotBe(0);
        tooLong.Err.Trim().Split('\n')[^1].Should().StartWith("error: generate: prompt of 1 tokens + 40 new tokens is longer than the position table");
    }

    [Test]
    public void ActivationsWritesOneRowPerPromptOrPerToken()
    {
        var texts = new[] { " The nurse said that", " he", " Hello world" };
        var last = _temp["last.npy"];
        var r = Run(new[] { "activations", "--model", _model, "--site", "blocks.1.hook_resid_post", "--npy", last, "--batch-size", "2", "--text" }.Concat(texts).ToArray());
        r.Code.Should().Be(0, r.Err);
        r.Out.Trim().Should().Be($"wrote {last}: [3, 8] float32 (blocks.1.hook_resid_post, positions last, 3 prompts)");

        var all = _temp["all.npy"];
        r = Run(new[] { "activations", "--model", _model, "--site", "blocks.1.hook_resid_post", "--npy", all, "--positions", "all", "--text" }.Concat(texts).ToArray());
        r.Code.Should().Be(0, r.Err);

        // --text repeated, once per prompt, is the same as several prompts after one --text.
        var repeated = _temp["repeated.npy"];
        r = Run(new[] { "activations", "--model", _model, "--site", "blocks.1.hook_resid_post", "--npy", repeated, "--batch-size", "2" }
            .Concat(texts.SelectMany(t => new[] { "--text", t })).ToArray());
        r.Code.Should().Be(0, r.Err);
        File.ReadAllBytes(repeated).Should().Equal(File.ReadAllBytes(last));

        using var scope = NewDisposeScope();
        var lastRows = Npy.Read(last);
        var allRows = Npy.Read(all);
        allRows.shape.Should().Equal(4 + 1 + 2, 8);
        // Each prompt's last row in the "all" array is its row in the "last" array, and both match a
        // capture made directly.
        var ends = new[] { 3, 4, 6 };
        for (int i = 0; i < 3; i++)
            (allRows[ends[i]] - lastRows[i]).abs().max().item<float>().Should().BeLessThan(1e-6f);
        using var capture = _reference.Hooks.Capture(Harness.Hooks.HookSite.ResidPost(1));
        using var noGrad = no_grad();
        _reference.Logits(Gpt2Tokenizer.Instance.Encode(" The nurse said that"));
        (capture.Last[0] - allRows[TensorIndex.Slice(0, 4)]).abs().max().item<float>().Should().BeLessThan(1e-6f);
    }

    [Test]
    public void ActivationsReadsJsonLinesWithTextOrPromptFields()
    {
        var dataset = _temp["data.jsonl"];
        File.WriteAllText(dataset, "{\"text\": \" The nurse said that\", \"label\": 1}\n\n{\"prompt\": \" he\", \"answer\": \" she\"}\n");
        var npy = _temp["ds.npy"];
        var r = Run("activations", "--model", _model, "--site", "ln_final", "--dataset", dataset, "--npy", npy);
        r.Code.Should().Be(0, r.Err);
        using var scope = NewDisposeScope();
        Npy.Read(npy).shape.Should().Equal(2, 8);

        File.WriteAllText(dataset, "{\"text\": \"a\"}\n{\"label\": 1}\n");
        r = Run("activations", "--model", _model, "--site", "ln_final", "--dataset", dataset, "--npy", npy);
        r.Code.Should().NotBe(0);
        r.Err.Trim().Split('\n')[^1].Should().Be($"error: {dataset}:2: no \"text\" or \"prompt\" field");
        File.WriteAllText(dataset, "{\"text\": \"a\"\n");
        Run("activations", "--model", _model, "--site", "ln_final", "--dataset", dataset, "--npy", npy).Err.Trim().Split('\n')[^1]
            .Should().StartWith($"error: {dataset}:1: not valid JSON");
    }

    [Test]
    public void BenchRunsOnASmallShape()
    {
        var r = Run("bench", "--passes", "4", "--layers", "2", "--d-model", "16", "--heads", "2", "--batch", "2", "--tokens", "8", "--hooks");
        r.Code.Should().Be(0, r.Err);
        r.Out.Should().Contain("throughput: ").And.Contain(" tokens/s").And.Contain("memory: rss after warm-up");
    }

    [Test]
    public void RunsHelpListsEveryMethodASpecMayNameWithItsOptionsAsFields()
    {
        var help = Run("run", "--help").Out;
        foreach (var method in Harness.Experiments.DirectionMethods.All)
        {
            help.Should().Contain($"  {method.Name,-14} {method.Summary}");
            foreach (var option in method.Options) help.Should().Contain($"\"{option.Name}\": ");
        }
        help.Should().Contain("\"objective\": <kl|flip>").And.Contain("\"max_steps\": <n>").And.NotContain("oracle-leace");
    }
}
