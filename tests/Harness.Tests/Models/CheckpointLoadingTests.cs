using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// Checkpoints written by the test in HuggingFace layout load through HfCheckpoint.Load and give
/// the same logits as an independent float64 computation from the same tensors.
public class CheckpointLoadingTests
{
    private TempFolder _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempFolder();
    [TearDown] public void TearDown() => _temp.Dispose();

    private static readonly int[] Ids = { 3, 17, 0, 39, 8, 8, 21, 5, 30, 12 };

    private static void AssertMatchesReference(TinyCheckpoint checkpoint, string directory, LoadOptions? options = null, double relative = 1e-4)
    {
        var model = HfCheckpoint.Load(directory, options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        LogitsAssert.Close(model.Logits(Ids), Reference.Logits(checkpoint, Ids), relative);
    }

    [Test]
    public void Gpt2WithUnprefixedKeysMatchesTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        AssertMatchesReference(c, c.Write(_temp["gpt2"], prefix: false));
    }

    [Test]
    public void Gpt2WithTransformerPrefixTiedLmHeadAndLegacyBuffersMatchesTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt2", NLayers = 3 }.Build();
        var legacy = new Dictionary<string, Tensor>();
        for (int l = 0; l < c.NLayers; l++)
        {
            legacy[$"transformer.h.{l}.attn.bias"] = ones(1, 1, c.NPositions, c.NPositions).tril();
            legacy[$"transformer.h.{l}.attn.masked_bias"] = tensor(-1e4f);
        }
        AssertMatchesReference(c, c.Write(_temp["gpt2"], prefix: true, extra: legacy, withLmHead: true));
    }

    [Test]
    public void ShardedGpt2MatchesTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt2", Seed = 7 }.Build();
        var dir = c.Write(_temp["sharded"], prefix: true, shards: 3);
        File.Exists(Path.Combine(dir, "model.safetensors")).Should().BeFalse();
        Directory.GetFiles(dir, "model-*-of-00003.safetensors").Should().HaveCount(3);
        AssertMatchesReference(c, dir);
    }

    [Test]
    public void Float16WeightsLoadIntoFloat32AndMatchTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt2", Seed = 3 }.Build(half: true);
        var dir = c.Write(_temp["half"], half: true);
        Safetensors.ReadHeader(Path.Combine(dir, "model.safetensors")).Entries["wte.weight"].Dtype.Should().Be(ScalarType.Float16);
        HfCheckpoint.Load(dir).Dtype.Should().Be(ScalarType.Float32);
        AssertMatchesReference(c, dir);
    }

    [Test]
    public void GptNeoWithLocalWindowShorterThanTheSequenceMatchesTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt_neo", WindowSize = 3, Seed = 5 }.Build();
        var legacy = new Dictionary<string, Tensor>
        {
            ["transformer.h.0.attn.attention.bias"] = ones(1, 1, c.NPositions, c.NPositions).tril(),
            ["transformer.h.0.attn.attention.masked_bias"] = tensor(-1e9f),
        };
        AssertMatchesReference(c, c.Write(_temp["neo"], prefix: true, extra: legacy));

        // The window matters here: the same weights with a window wider than the input differ.
        var wide = new TinyCheckpoint { Family = "gpt_neo", WindowSize = 64, Seed = 5 }.Build();
        var narrowLast = Reference.Logits(c, Ids)[^1];
        var wideLast = Reference.Logits(wide, Ids)[^1];
        narrowLast.Zip(wideLast, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-3);
    }

    [Test]
    public void GptNeoInFloat16WithPrefixMatchesTheReference()
    {
        var c = new TinyCheckpoint { Family = "gpt_neo", WindowSize = 4, NLayers = 4, Seed = 9 }.Build(half: true);
        AssertMatchesReference(c, c.Write(_temp["neo16"], prefix: true, half: true));
    }

    [Test]
    public void TheDtypeOptionLoadsFloat64()
    {
        var c = new TinyCheckpoint { Family = "gpt2", Seed = 11 }.Build();
        var dir = c.Write(_temp["f64"]);
        HfCheckpoint.Load(dir, new LoadOptions { Dtype = ScalarType.Float64 }).Dtype.Should().Be(ScalarType.Float64);
        AssertMatchesReference(c, dir, new LoadOptions { Dtype = ScalarType.Float64 }, relative: 1e-10);
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void ParameterNamesAreExactlyTheCheckpointNamesEvenAfterConversion(string family)
    {
        var c = new TinyCheckpoint { Family = family }.Build();
        var model = HfCheckpoint.Load(c.Write(_temp["m"]), new LoadOptions { Dtype = ScalarType.Float64 });
        model.named_parameters().Select(p => p.name).Should().BeEquivalentTo(c.Weights.Keys);
        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float64);
        model.named_modules().Select(m => m.name).Should().NotContain(n => n.Contains('_') && n.Split('.').Any(part => part.StartsWith('_')));
    }

    [TestCase("gpt2", ScalarType.BFloat16)]
    [TestCase("gpt2", ScalarType.Float16)]
    [TestCase("gpt_neo", ScalarType.BFloat16)]
    [TestCase("gpt_neo", ScalarType.Float16)]
    public void HalfPrecisionDtypesRunCloseToTheReference(string family, ScalarType dtype)
    {
        var c = new TinyCheckpoint { Family = family, Seed = 13 }.Build();
        var model = HfCheckpoint.Load(c.Write(_temp["m"]), new LoadOptions { Dtype = dtype });
        model.Dtype.Should().Be(dtype);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Logits(Ids);
        logits.dtype.Should().Be(dtype);
        // bfloat16 keeps 8 bits of mantissa: a few percent, relative to the largest logit.
        var reference = Reference.Logits(c, Ids);
        double scale = reference.SelectMany(r => r).Max(Math.Abs);
        LogitsAssert.MaxAbsDifference(logits, tensor(reference.SelectMany(r => r).ToArray()).reshape(Ids.Length, c.VocabSize))
            .Should().BeLessThan(0.1 * scale);
    }

    [Test]
    public void LoadedModelsAreFrozenAndInEvalMode()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        var model = HfCheckpoint.Load(c.Write(_temp["m"]));
        model.training.Should().BeFalse();
        model.parameters().Should().OnlyContain(p => !p.requires_grad);
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void SaveWritesHuggingFaceLayoutThatLoadsBackToTheSameLogits(string family)
    {
        var config = family == "gpt2"
            ? ModelConfig.Gpt2(nLayers: 2, dModel: 16, nHeads: 2, nPositions: 32, vocabSize: 64)
            : ModelConfig.GptNeo(nLayers: 2, dModel: 16, nHeads: 2, windowSize: 4, nPositions: 32, vocabSize: 64);
        var model = LanguageModel.Create(config, seed: 4);
        var dir = _temp["saved"];
        HfCheckpoint.Save(model, dir);

        var header = Safetensors.ReadHeader(Path.Combine(dir, "model.safetensors"));
        header.Entries.Keys.Should().OnlyContain(k => k.StartsWith("transformer.", StringComparison.Ordinal));
        header.Entries.Keys.Should().Contain("transformer.wte.weight").And.NotContain("lm_head.weight");
        header.Metadata["format"].Should().Be("pt");
        var reloaded = HfCheckpoint.Load(dir);
        reloaded.Config.Should().BeEquivalentTo(config, o => o.Excluding(c => c.Source));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = new[] { 1, 5, 9, 63, 2, 2, 7 };
        LogitsAssert.MaxAbsDifference(model.Logits(ids), reloaded.Logits(ids)).Should().Be(0);
    }

    [Test]
    public void SaveInFloat16StoresHalfPrecision()
    {
        var model = LanguageModel.Create(ModelConfig.Gpt2(1, 8, 2, nPositions: 8, vocabSize: 32), seed: 2);
        var dir = _temp["half"];
        HfCheckpoint.Save(model, dir, ScalarType.Float16);
        Safetensors.ReadHeader(Path.Combine(dir, "model.safetensors")).Entries.Values.Should().OnlyContain(e => e.Dtype == ScalarType.Float16);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        LogitsAssert.MaxAbsDifference(model.Logits(new[] { 1, 2, 3 }), HfCheckpoint.Load(dir).Logits(new[] { 1, 2, 3 })).Should().BeLessThan(1e-2);
    }
}
