using Harness.Models;

namespace Harness.Tests.Models;

public class ModelConfigTests
{
    // The hub's gpt2 and EleutherAI/gpt-neo-125m config.json files (abridged to the keys that matter).
    private const string Gpt2Hub = """
        {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256,
         "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2",
         "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257}
        """;
    private const string GptNeoHub = """
        {"activation_function": "gelu_new", "architectures": ["GPTNeoForCausalLM"], "attention_dropout": 0,
         "attention_layers": ["global","local","global","local","global","local","global","local","global","local","global","local"],
         "attention_types": [[["global", "local"], 6]], "bos_token_id": 50256, "embed_dropout": 0, "eos_token_id": 50256,
         "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": null, "layer_norm_epsilon": 1e-05,
         "max_position_embeddings": 2048, "model_type": "gpt_neo", "num_heads": 12, "num_layers": 12, "resid_dropout": 0,
         "vocab_size": 50257, "window_size": 256}
        """;

    [Test]
    public void ReadsTheHubGpt2Config()
    {
        var c = ModelConfig.Parse(Gpt2Hub, "gpt2/config.json");
        c.Family.Should().Be(ModelFamily.Gpt2);
        (c.DModel, c.NLayers, c.NHeads, c.NPositions, c.VocabSize, c.DMlp, c.HeadDim).Should().Be((768, 12, 12, 1024, 50257, 3072, 64));
        (c.LayerNormEpsilon, c.ResidDropout, c.EmbedDropout, c.AttnDropout).Should().Be((1e-5, 0.1, 0.1, 0.1));
        c.AttentionLayers.Should().HaveCount(12).And.OnlyContain(k => k == AttentionKind.Global);
    }

    [Test]
    public void ReadsTheHubGptNeoConfigAndExpandsAttentionTypes()
    {
        var c = ModelConfig.Parse(GptNeoHub, "neo/config.json");
        c.Family.Should().Be(ModelFamily.GptNeo);
        (c.DModel, c.NLayers, c.NHeads, c.NPositions, c.DMlp, c.WindowSize).Should().Be((768, 12, 12, 2048, 3072, 256));
        (c.ResidDropout, c.EmbedDropout, c.AttnDropout).Should().Be((0.0, 0.0, 0.0));
        c.AttentionLayers.Should().Equal(Enumerable.Range(0, 12).Select(l => l % 2 == 0 ? AttentionKind.Global : AttentionKind.Local));
    }

    [Test]
    public void AttentionTypesWithSeveralItemsExpandInOrder()
    {
        var json = GptNeoHub.Replace("[[[\"global\", \"local\"], 6]]", "[[[\"local\"], 2], [[\"global\", \"global\", \"local\"], 2], [[\"global\"], 4]]")
            .Replace("\"intermediate_size\": null", "\"intermediate_size\": 100");
        var c = ModelConfig.Parse(json, "neo/config.json");
        c.AttentionLayers.Select(k => k.ToString()[0]).Should().Equal("LLGGLGGLGGGG".ToCharArray());
        c.DMlp.Should().Be(100);
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void TheHfJsonItWritesReadsBackTheSame(string family)
    {
        var c = family == "gpt2"
            ? ModelConfig.Gpt2(3, 24, 3, nPositions: 40, vocabSize: 99, dropout: 0.2)
            : ModelConfig.GptNeo(6, 24, 3, windowSize: 5, attentionLayers: new[] { AttentionKind.Local, AttentionKind.Global, AttentionKind.Global, AttentionKind.Local, AttentionKind.Global, AttentionKind.Global });
        ModelConfig.Parse(c.ToHfJson(), "written").Should().BeEquivalentTo(c, o => o.Excluding(x => x.Source));
        if (family == "gpt_neo")
        {
            var types = System.Text.Json.Nodes.JsonNode.Parse(c.ToHfJson())!["attention_types"]!.ToJsonString();
            types.Should().Be("[[[\"local\",\"global\",\"global\"],2]]", "the shortest repeating pattern is written");
        }
    }

    [TestCase("\"n_head\": 12, ", "missing key 'n_head'")]
    [TestCase("\"model_type\": \"gpt2\"", "model_type 'llama' is not supported (gpt2 or gpt_neo)", "\"model_type\": \"llama\"")]
    [TestCase("\"activation_function\": \"gelu_new\"", "activation_function 'relu' is not supported (gelu_new)", "\"activation_function\": \"relu\"")]
    [TestCase("\"n_layer\": 12", "key 'n_layer' must be an integer, got \"12\"", "\"n_layer\": \"12\"")]
    [TestCase("\"n_head\": 12", "n_embd (768) is not divisible by n_head (10)", "\"n_head\": 10")]
    [TestCase("\"resid_pdrop\": 0.1", "resid_pdrop must be in [0, 1), got 1.5", "\"resid_pdrop\": 1.5")]
    public void ABadGpt2ConfigNamesTheFileAndTheKey(string remove, string message, string replacement = "")
    {
        var json = Gpt2Hub.Replace(remove, replacement);
        json.Should().NotBe(Gpt2Hub);
        var act = () => ModelConfig.Parse(json, "m/config.json");
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"m/config.json: {message}");
    }

    /// HuggingFace's GPT2Config and GPTNeoConfig default these keys; a hand-written config may omit
    /// them and must then mean what it means to transformers.
    [TestCase("gpt2", 0.1)]
    [TestCase("gpt_neo", 0.0)]
    public void OmittedActivationEpsilonAndDropoutTakeTheHuggingFaceDefaults(string family, double dropout)
    {
        var omitted = new[] { "activation_function", "layer_norm_epsilon", "resid_pdrop", "embd_pdrop", "attn_pdrop", "resid_dropout", "embed_dropout", "attention_dropout" };
        var json = System.Text.Json.Nodes.JsonNode.Parse(family == "gpt2" ? Gpt2Hub : GptNeoHub)!.AsObject();
        foreach (var key in omitted) json.Remove(key);
        var c = ModelConfig.Parse(json.ToJsonString(), "hand-written/config.json");
        (c.LayerNormEpsilon, c.ResidDropout, c.EmbedDropout, c.AttnDropout).Should().Be((1e-5, dropout, dropout, dropout));
    }

    [Test]
    public void AttentionTypesThatDoNotCoverTheLayersAreAnError()
    {
        var act = () => ModelConfig.Parse(GptNeoHub.Replace("6]]", "5]]"), "neo/config.json");
        act.Should().Throw<HarnessException>().WithMessage("neo/config.json: attention_types expands to 10 layers but num_layers is 12");
        act = () => ModelConfig.Parse(GptNeoHub.Replace("[[\"global\", \"local\"], 6]", "[[\"global\", \"sparse\"], 6]"), "neo/config.json");
        act.Should().Throw<HarnessException>().WithMessage("neo/config.json: attention_types holds 'sparse', expected \"global\" or \"local\"");
    }

    [Test]
    public void AMissingOrUnreadableConfigNamesTheFile()
    {
        var act = () => ModelConfig.Load("/nonexistent/config.json");
        act.Should().Throw<HarnessException>().WithMessage("/nonexistent/config.json: file not found");
        act = () => ModelConfig.Parse("{\"model_type\": ", "x/config.json");
        act.Should().Throw<HarnessException>().WithMessage("x/config.json: not valid JSON*");
    }
}
