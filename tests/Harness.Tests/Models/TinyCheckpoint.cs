using System.Globalization;
using Harness.IO;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// A small random-weight model written by the test itself in HuggingFace layout (config.json written
/// as raw text, tensors through the safetensors writer), with every weight also kept as a plain
/// float64 array (already rounded to the stored precision) for the independent Reference.
public sealed class TinyCheckpoint
{
    public required string Family { get; init; }          // "gpt2" or "gpt_neo"
    public int DModel { get; init; } = 16;
    public int NLayers { get; init; } = 2;
    public int NHeads { get; init; } = 4;
    public int NPositions { get; init; } = 16;
    public int VocabSize { get; init; } = 40;
    public int WindowSize { get; init; } = 3;             // GPT-Neo only
    public double Epsilon { get; init; } = 1e-5;
    public int Seed { get; init; } = 1;
    public int DMlp => 4 * DModel;

    /// Weights by their names without the `transformer.` prefix: shape and float64 values.
    public Dictionary<string, (long[] Shape, double[] Data)> Weights { get; } = new(StringComparer.Ordinal);

    public bool[] LocalLayers => Enumerable.Range(0, NLayers).Select(l => Family == "gpt_neo" && l % 2 == 1).ToArray();

    /// Draws the weights (rounded to float16 when `half`, else to float32).
    public TinyCheckpoint Build(bool half = false)
    {
        var random = new Random(Seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double Round(double x) => half ? (double)(Half)x : (float)x;
        void Add(string name, long[] shape, Func<double> draw)
        {
            var n = shape.Aggregate(1L, (a, b) => a * b);
            Weights[name] = (shape, Enumerable.Range(0, (int)n).Select(_ => Round(draw())).ToArray());
        }
        long d = DModel, m = DMlp;
        Add("wte.weight", new[] { (long)VocabSize, d }, () => 0.5 * Normal());
        Add("wpe.weight", new[] { (long)NPositions, d }, () => 0.3 * Normal());
        for (int l = 0; l < NLayers; l++)
        {
            var p = $"h.{l}.";
            Add(p + "ln_1.weight", new[] { d }, () => 1 + 0.2 * Normal());
            Add(p + "ln_1.bias", new[] { d }, () => 0.1 * Normal());
            Add(p + "ln_2.weight", new[] { d }, () => 1 + 0.2 * Normal());
            Add(p + "ln_2.bias", new[] { d }, () => 0.1 * Normal());
            if (Family == "gpt2")
            {
                Add(p + "attn.c_attn.weight", new[] { d, 3 * d }, () => 0.4 * Normal());
                Add(p + "attn.c_attn.bias", new[] { 3 * d }, () => 0.1 * Normal());
                Add(p + "attn.c_proj.weight", new[] { d, d }, () => 0.3 * Normal());
                Add(p + "attn.c_proj.bias", new[] { d }, () => 0.1 * Normal());
                Add(p + "mlp.c_fc.weight", new[] { d, m }, () => 0.3 * Normal());
                Add(p + "mlp.c_fc.bias", new[] { m }, () => 0.1 * Normal());
                Add(p + "mlp.c_proj.weight", new[] { m, d }, () => 0.2 * Normal());
                Add(p + "mlp.c_proj.bias", new[] { d }, () => 0.1 * Normal());
            }
            else
            {
                Add(p + "attn.attention.k_proj.weight", new[] { d, d }, () => 0.3 * Normal());
                Add(p + "attn.attention.v_proj.weight", new[] { d, d }, () => 0.3 * Normal());
                Add(p + "attn.attention.q_proj.weight", new[] { d, d }, () => 0.3 * Normal());
                Add(p + "attn.attention.out_proj.weight", new[] { d, d }, () => 0.3 * Normal());
                Add(p + "attn.attention.out_proj.bias", new[] { d }, () => 0.1 * Normal());
                Add(p + "mlp.c_fc.weight", new[] { m, d }, () => 0.3 * Normal());
                Add(p + "mlp.c_fc.bias", new[] { m }, () => 0.1 * Normal());
                Add(p + "mlp.c_proj.weight", new[] { d, m }, () => 0.2 * Normal());
                Add(p + "mlp.c_proj.bias", new[] { d }, () => 0.1 * Normal());
            }
        }
        Add("ln_f.weight", new[] { d }, () => 1 + 0.2 * Normal());
        Add("ln_f.bias", new[] { d }, () => 0.1 * Normal());
        return this;
    }

    public string ConfigJson()
    {
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (Family == "gpt2")
            return $$"""
                {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "activation_function": "gelu_new",
                 "n_embd": {{DModel}}, "n_layer": {{NLayers}}, "n_head": {{NHeads}}, "n_positions": {{NPositions}}, "n_ctx": {{NPositions}},
                 "vocab_size": {{VocabSize}}, "layer_norm_epsilon": {{F(Epsilon)}}, "n_inner": null,
                 "resid_pdrop": 0.1, "embd_pdrop": 0.1, "attn_pdrop": 0.1, "bos_token_id": 50256, "eos_token_id": 50256}
                """;
        return $$"""
            {"model_type": "gpt_neo", "architectures": ["GPTNeoForCausalLM"], "activation_function": "gelu_new",
             "hidden_size": {{DModel}}, "num_layers": {{NLayers}}, "num_heads": {{NHeads}}, "max_position_embeddings": {{NPositions}},
             "vocab_size": {{VocabSize}}, "layer_norm_epsilon": {{F(Epsilon)}}, "intermediate_size": null,
             "attention_types": [[["global", "local"], {{NLayers / 2}}]], "window_size": {{WindowSize}},
             "resid_dropout": 0, "embed_dropout": 0, "attention_dropout": 0}
            """;
    }

    /// Writes config.json and the weights. `prefix`: name tensors `transformer.*`; `shards`: split
    /// over that many files with an index; `extra`: additional tensors (e.g. legacy buffers).
    public string Write(string directory, bool prefix = false, bool half = false, int shards = 1,
        IReadOnlyDictionary<string, Tensor>? extra = null, bool withLmHead = false)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), ConfigJson());
        var dtype = half ? ScalarType.Float16 : ScalarType.Float32;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (shape, data)) in Weights)
            tensors[(prefix ? "transformer." : "") + name] = tensor(data.Select(x => (float)x).ToArray(), shape).to(dtype);
        if (withLmHead)
        {
            var (shape, data) = Weights["wte.weight"];
            tensors["lm_head.weight"] = tensor(data.Select(x => (float)x).ToArray(), shape).to(dtype);
        }
        if (extra is not null) foreach (var (k, v) in extra) tensors[k] = v;

        if (shards == 1)
        {
            Safetensors.Write(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            return directory;
        }
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var map = new List<string>();
        for (int s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var part = names.Where((_, i) => i % shards == s).ToDictionary(n => n, n => tensors[n]);
            Safetensors.Write(Path.Combine(directory, file), part, new Dictionary<string, string> { ["format"] = "pt" });
            map.AddRange(part.Keys.Select(n => $"\"{n}\": \"{file}\""));
        }
        File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"),
            "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {" + string.Join(", ", map) + "}}");
        return directory;
    }
}
