using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// Every bad input is one line on stderr naming the file, key or argument at fault, and a non-zero
/// exit code; the checkpoints are small ones the test writes and then damages.
public class BadInputTests
{
    private TempFolder _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempFolder();
    [TearDown] public void TearDown() => _temp.Dispose();

    private string Good(string name = "m") => new TinyCheckpoint { Family = "gpt2" }.Build().Write(_temp[name]);

    /// Runs `logits --model dir --ids ...` and returns stderr's single line.
    private static string Fails(params string[] args)
    {
        var (code, _, err) = Cli.Cli.Run(args);
        code.Should().NotBe(0, $"`{string.Join(" ", args)}` must fail");
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        lines.Should().ContainSingle("the reason is one line");
        return lines[0].TrimEnd();
    }

    private static string LogitsError(string dir) => Fails("logits", "--model", dir, "--ids", "1,2,3");

    [Test]
    public void TheGoodCheckpointRuns()
    {
        var (code, output, _) = Cli.Cli.Run("logits", "--model", Good(), "--ids", "1,2,3", "--top", "3");
        code.Should().Be(0);
        output.Should().Contain("top 3 next tokens after 3 tokens");
    }

    [Test]
    public void AMissingModelDirectory()
    {
        var dir = _temp["absent"];
        LogitsError(dir).Should().Be($"error: model directory '{dir}' does not exist");
    }

    [Test]
    public void NoModelArgumentMeansTheDefaultOrganism()
    {
        var (code, output, _) = Cli.Cli.Run("logits", "--ids", "1,2", "--top", "1");
        code.Should().Be(0);
        output.Should().Contain("top 1 next tokens after 2 tokens");
    }

    [Test]
    public void AMissingConfigFile()
    {
        var dir = Good();
        File.Delete(Path.Combine(dir, "config.json"));
        LogitsError(dir).Should().Be($"error: model directory '{dir}' has no config.json");
    }

    [Test]
    public void AMissingWeightsFile()
    {
        var dir = Good();
        File.Delete(Path.Combine(dir, "model.safetensors"));
        LogitsError(dir).Should().Be($"error: model directory '{dir}' has no model.safetensors or model.safetensors.index.json");
    }

    [Test]
    public void ATruncatedSafetensorsFile()
    {
        var dir = Good();
        var file = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..5]);
        LogitsError(dir).Should().Be($"error: {file}: truncated safetensors file (no header length)");

        File.WriteAllBytes(file, bytes[..(bytes.Length - 100)]);
        LogitsError(dir).Should().StartWith($"error: {file}: tensor '").And.Contain("outside the").And.Contain("truncated file?");
    }

    [Test]
    public void ACorruptSafetensorsHeader()
    {
        var dir = Good();
        var file = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(file);
        "not json!!"u8.ToArray().CopyTo(bytes, 8);
        File.WriteAllBytes(file, bytes);
        LogitsError(dir).Should().StartWith($"error: {file}: corrupt safetensors header (");

        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(bytes, 0);
        File.WriteAllBytes(file, bytes);
        LogitsError(dir).Should().StartWith($"error: {file}: corrupt safetensors header (header length");
    }

    [Test]
    public void ATensorWhoseShapeDisagreesWithTheConfig()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        c.Weights["h.1.mlp.c_fc.weight"] = (new long[] { 64, 16 }, c.Weights["h.1.mlp.c_fc.weight"].Data);
        var dir = c.Write(_temp["m"], prefix: true);
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors")}: tensor 'transformer.h.1.mlp.c_fc.weight' has shape [64, 16] but config.json implies [16, 64]");
    }

    [Test]
    public void AConfigThatDisagreesWithTheTensors()
    {
        var dir = Good();
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"n_positions\": 16", "\"n_positions\": 20"));
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors")}: tensor 'wpe.weight' has shape [16, 16] but config.json implies [20, 16]");
    }

    [Test]
    public void AMissingWeight()
    {
        var c = new TinyCheckpoint { Family = "gpt_neo" }.Build();
        c.Weights.Remove("h.1.attn.attention.q_proj.weight");
        var dir = c.Write(_temp["m"], prefix: true);
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors")}: missing weight 'h.1.attn.attention.q_proj.weight' (looked for 'h.1.attn.attention.q_proj.weight' and 'transformer.h.1.attn.attention.q_proj.weight')");
    }

    [Test]
    public void AMissingWeightInAShardedCheckpointNamesTheIndexAndAMissingShardIsNamed()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        c.Weights.Remove("ln_f.bias");
        var dir = c.Write(_temp["m"], shards: 2);
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors.index.json")}: missing weight 'ln_f.bias' (looked for 'ln_f.bias' and 'transformer.ln_f.bias')");

        File.Delete(Path.Combine(dir, "model-00002-of-00002.safetensors"));
        LogitsError(dir).Should().Be($"error: model directory '{dir}': shard model-00002-of-00002.safetensors named in model.safetensors.index.json is missing");
    }

    [Test]
    public void AnUnexpectedTensor()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        var dir = c.Write(_temp["m"], extra: new Dictionary<string, Tensor> { ["h.0.attn.rotary_emb"] = zeros(4) });
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors")}: unexpected tensor 'h.0.attn.rotary_emb' (not a weight of a Gpt2 model with this config)");
    }

    [Test]
    public void AnUntiedLmHead()
    {
        var c = new TinyCheckpoint { Family = "gpt2" }.Build();
        var dir = c.Write(_temp["m"], extra: new Dictionary<string, Tensor> { ["lm_head.weight"] = ones(40, 16) });
        LogitsError(dir).Should().Be($"error: {Path.Combine(dir, "model.safetensors")}: tensor 'lm_head.weight' differs from the token embedding wte; untied output layers are not supported");
    }

    [Test]
    public void AnUnknownModelType()
    {
        var dir = Good();
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"model_type\": \"gpt2\"", "\"model_type\": \"llama\""));
        LogitsError(dir).Should().Be($"error: {config}: model_type 'llama' is not supported (gpt2 or gpt_neo)");
    }

    [Test]
    public void ASequenceLongerThanThePositionTable()
    {
        var dir = Good();
        var ids = string.Join(",", Enumerable.Range(0, 17));
        Fails("logits", "--model", dir, "--ids", ids).Should().Be(
            $"error: input of 17 tokens is longer than the position table of {Path.Combine(dir, "config.json")} (16 positions)");
    }

    [Test]
    public void ATokenIdOutsideTheVocabulary() =>
        Fails("logits", "--model", Good(), "--ids", "1,40").Should().Be(
            $"error: token id 40 is outside the vocabulary of {Path.Combine(_temp["m"], "config.json")} (vocab_size 40)");

    [Test]
    public void AnUnknownHookSite()
    {
        var dir = Good();
        Fails("activations", "--model", dir, "--site", "blocks.2.hook_resid_post", "--text", "hi", "--npy", _temp["a.npy"]).Should().Be(
            "error: unknown hook site 'blocks.2.hook_resid_post' (valid: blocks.{l}.hook_resid_pre, blocks.{l}.hook_resid_mid, blocks.{l}.hook_resid_post with l in 0..1, or ln_final)");
        File.Exists(_temp["a.npy"]).Should().BeFalse();
    }

    [Test]
    public void ANpyPathThatCannotBeWritten()
    {
        var dir = Good();
        var path = Path.Combine(_temp["no-such-folder"], "x.npy");
        Fails("logits", "--model", dir, "--ids", "1,2", "--npy", path).Should().Be(
            $"error: --npy {path}: cannot write: folder '{_temp["no-such-folder"]}' does not exist");
        Fails("logits", "--model", dir, "--ids", "1,2", "--npy", _temp.Path).Should().Be(
            $"error: --npy {_temp.Path}: cannot write: it is a folder");
    }

    [Test]
    public void CudaWhereThereIsNone()
    {
        Assume.That(cuda.is_available(), Is.False, "this machine has CUDA");
        Fails("logits", "--model", Good(), "--ids", "1,2", "--device", "cuda").Should().StartWith("error: --device cuda: CUDA is not available here");
    }

    [Test]
    public void BadIdsAndMisspeltOptions()
    {
        var dir = Good();
        Fails("logits", "--model", dir, "--ids", "1,x").Should().Be("error: logits: --ids must be comma-separated non-negative token ids, got 'x'");
        Fails("logits", "--model", dir, "--ids", "1", "--tpo", "3").Should().Be("error: logits: unknown option --tpo (see `harness logits --help`)");
        Fails("logits", "--model", dir).Should().Be("error: logits: give exactly one of --text or --ids");
        Fails("logits", "--model", dir, "--ids", "1", "--dtype", "int8").Should().Be("error: logits: --dtype must be one of float32, float64, float16, bfloat16, got 'int8'");
    }
}
