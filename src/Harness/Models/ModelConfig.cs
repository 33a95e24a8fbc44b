using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Models;

/// The two architectures the harness runs. GPT-2 (every size) and GPT-Neo share the pre-LayerNorm
/// block layout; they differ in attention (GPT-Neo: unscaled scores, local layers) and weight layout.
public enum ModelFamily { Gpt2, GptNeo }

/// What a GPT-Neo layer's attention may see: every earlier token (global) or only the last
/// `window_size` tokens (local).
public enum AttentionKind { Global, Local }

/// A model's shape and hyper-parameters, read from a HuggingFace `config.json` (model_type "gpt2"
/// or "gpt_neo") and written back in the same format by Save.
public sealed record ModelConfig
{
    public required ModelFamily Family { get; init; }
    public required int DModel { get; init; }
    public required int NLayers { get; init; }
    public required int NHeads { get; init; }
    /// Rows of the position-embedding table: the longest sequence the model can read.
    public required int NPositions { get; init; }
    public required int VocabSize { get; init; }
    /// Width of the MLP's hidden layer (4 * DModel unless the config says otherwise).
    public required int DMlp { get; init; }
    public required double LayerNormEpsilon { get; init; }
    /// Dropout after attention and after the MLP, before each adds into the residual stream.
    public required double ResidDropout { get; init; }
    /// Dropout on token + position embeddings.
    public required double EmbedDropout { get; init; }
    /// Dropout on attention probabilities.
    public required double AttnDropout { get; init; }
    /// GPT-Neo only: per layer, global or local attention (GPT-2: all global).
    public required IReadOnlyList<AttentionKind> AttentionLayers { get; init; }
    /// GPT-Neo only: how many of the latest tokens (itself included) a local layer sees.
    public int WindowSize { get; init; }
    /// Where the config came from (a config.json path, or a description), for error messages.
    public string Source { get; init; } = "config";

    public int HeadDim => DModel / NHeads;

    private static readonly string[] GeluNewNames = { "gelu_new", "gelu_pytorch_tanh", "gelu_fast" };

    /// A GPT-2-shaped configuration (HF GPT2Config defaults for everything not given).
    public static ModelConfig Gpt2(int nLayers, int dModel, int nHeads, int nPositions = 1024,
        int vocabSize = Gpt2Tokenizer.VocabularySize, double dropout = 0.1, double layerNormEpsilon = 1e-5) =>
        Validated(new ModelConfig
        {
            Family = ModelFamily.Gpt2, DModel = dModel, NLayers = nLayers, NHeads = nHeads,
            NPositions = nPositions, VocabSize = vocabSize, DMlp = 4 * dModel, LayerNormEpsilon = layerNormEpsilon,
            ResidDropout = dropout, EmbedDropout = dropout, AttnDropout = dropout,
            AttentionLayers = Enumerable.Repeat(AttentionKind.Global, nLayers).ToArray(),
            Source = $"GPT-2 config ({nLayers} layers, d_model {dModel}, {nHeads} heads)",
        });

    /// A GPT-Neo-shaped configuration; `attentionLayers` defaults to alternating global, local.
    public static ModelConfig GptNeo(int nLayers, int dModel, int nHeads, int windowSize, int nPositions = 2048,
        int vocabSize = Gpt2Tokenizer.VocabularySize, double dropout = 0.0, double layerNormEpsilon = 1e-5,
        IReadOnlyList<AttentionKind>? attentionLayers = null) =>
        Validated(new ModelConfig
        {
            Family = ModelFamily.GptNeo, DModel = dModel, NLayers = nLayers, NHeads = nHeads,
            NPositions = nPositions, VocabSize = vocabSize, DMlp = 4 * dModel, LayerNormEpsilon = layerNormEpsilon,
            ResidDropout = dropout, EmbedDropout = dropout, AttnDropout = dropout,
            AttentionLayers = attentionLayers ?? Enumerable.Range(0, nLayers)
                .Select(l => l % 2 == 0 ? AttentionKind.Global : AttentionKind.Local).ToArray(),
            WindowSize = windowSize,
            Source = $"GPT-Neo config ({nLayers} layers, d_model {dModel}, {nHeads} heads)",
        });

    /// Reads a HuggingFace config.json. Every error names the file and the key at fault.
    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: file not found");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{path}: cannot read ({e.Message})");
        }
        return Parse(text, path);
    }

    /// Parses the text of a config.json; `source` names it in error messages.
    public static ModelConfig Parse(string json, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new HarnessException($"{source}: not valid JSON ({e.Message})"); }
        if (root is not JsonObject obj) throw new HarnessException($"{source}: not a JSON object");
        var keys = new ConfigKeys(obj, source);
        var modelType = keys.String("model_type");
        var config = modelType switch
        {
            "gpt2" => ParseGpt2(keys, source),
            "gpt_neo" => ParseGptNeo(keys, source),
            _ => throw new HarnessException($"{source}: model_type '{modelType}' is not supported (gpt2 or gpt_neo)"),
        };
        return Validated(config);
    }

    /// The config.json key names of one family. Shape keys are required; the others default as in
    /// HuggingFace's GPT2Config / GPTNeoConfig (gelu_new, epsilon 1e-5, dropout 0.1 for GPT-2 and 0
    /// for GPT-Neo), so a hand-written config needs only the shape.
    private sealed record FamilyKeys(
        ModelFamily Family, string DModel, string Layers, string Heads, string Positions, string Mlp,
        string ResidDropout, string EmbedDropout, string AttnDropout, double DefaultDropout);

    private static readonly FamilyKeys Gpt2Keys = new(ModelFamily.Gpt2, "n_embd", "n_layer", "n_head", "n_positions", "n_inner",
        "resid_pdrop", "embd_pdrop", "attn_pdrop", DefaultDropout: 0.1);

    private static readonly FamilyKeys GptNeoKeys = new(ModelFamily.GptNeo, "hidden_size", "num_layers", "num_heads", "max_position_embeddings", "intermediate_size",
        "resid_dropout", "embed_dropout", "attention_dropout", DefaultDropout: 0.0);

    private static FamilyKeys KeysOf(ModelFamily family) => family == ModelFamily.Gpt2 ? Gpt2Keys : GptNeoKeys;

    private const double DefaultLayerNormEpsilon = 1e-5;

    /// What both families read the same way, under their own key names.
    private static ModelConfig ParseShared(ConfigKeys k, FamilyKeys keys, Func<int, IReadOnlyList<AttentionKind>> attention, string source)
    {
        var activation = k.OptionalString("activation_function");
        if (activation is not null && !GeluNewNames.Contains(activation))
            throw new HarnessException($"{source}: activation_function '{activation}' is not supported (gelu_new)");
        int d = k.Int(keys.DModel), layers = k.Int(keys.Layers);
        return new ModelConfig
        {
            Family = keys.Family,
            DModel = d, NLayers = layers, NHeads = k.Int(keys.Heads), NPositions = k.Int(keys.Positions),
            VocabSize = k.Int("vocab_size"), DMlp = k.OptionalInt(keys.Mlp) ?? 4 * d,
            LayerNormEpsilon = k.OptionalDouble("layer_norm_epsilon") ?? DefaultLayerNormEpsilon,
            ResidDropout = k.OptionalDouble(keys.ResidDropout) ?? keys.DefaultDropout,
            EmbedDropout = k.OptionalDouble(keys.EmbedDropout) ?? keys.DefaultDropout,
            AttnDropout = k.OptionalDouble(keys.AttnDropout) ?? keys.DefaultDropout,
            AttentionLayers = attention(layers),
            Source = source,
        };
    }

    private static ModelConfig ParseGpt2(ConfigKeys k, string source)
    {
        if (k.OptionalBool("scale_attn_weights") == false)
            throw new HarnessException($"{source}: scale_attn_weights=false is not supported");
        if (k.OptionalBool("scale_attn_by_inverse_layer_idx") == true)
            throw new HarnessException($"{source}: scale_attn_by_inverse_layer_idx=true is not supported");
        if (k.OptionalBool("add_cross_attention") == true)
            throw new HarnessException($"{source}: add_cross_attention=true is not supported");
        return ParseShared(k, Gpt2Keys, layers => Enumerable.Repeat(AttentionKind.Global, Math.Max(layers, 0)).ToArray(), source);
    }

    private static ModelConfig ParseGptNeo(ConfigKeys k, string source)
    {
        return ParseShared(k, GptNeoKeys, layers => ExpandAttentionTypes(k.Node("attention_types"), layers, source), source)
            with { WindowSize = k.Int("window_size") };
    }

    /// GPT-Neo's attention_types, e.g. [[["global","local"],6]]: each item repeats its pattern.
    private static AttentionKind[] ExpandAttentionTypes(JsonNode node, int layers, string source)
    {
        const string Key = "attention_types";
        var kinds = new List<AttentionKind>();
        if (node is not JsonArray items) throw new HarnessException($"{source}: {Key} must be a list like [[[\"global\",\"local\"],6]]");
        foreach (var item in items)
        {
            if (item is not JsonArray { Count: 2 } pair || pair[0] is not JsonArray pattern
                || pair[1] is not JsonValue repeatValue || !repeatValue.TryGetValue<int>(out var repeat) || repeat < 0)
                throw new HarnessException($"{source}: {Key} item {item?.ToJsonString()} must look like [[\"global\",\"local\"],6]");
            var kindsOfItem = pattern.Select(p => (p as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null).Select(s => s switch
            {
                "global" => AttentionKind.Global,
                "local" => AttentionKind.Local,
                _ => throw new HarnessException($"{source}: {Key} holds '{s}', expected \"global\" or \"local\""),
            }).ToArray();
            for (int r = 0; r < repeat; r++) kinds.AddRange(kindsOfItem);
        }
        if (kinds.Count != layers)
            throw new HarnessException($"{source}: {Key} expands to {kinds.Count} layers but num_layers is {layers}");
        return kinds.ToArray();
    }

    private static ModelConfig Validated(ModelConfig c)
    {
        var keys = KeysOf(c.Family);
        void Positive(int value, string key)
        {
            if (value <= 0) throw new HarnessException($"{c.Source}: {key} must be positive, got {value}");
        }
        Positive(c.DModel, keys.DModel); Positive(c.NLayers, keys.Layers); Positive(c.NHeads, keys.Heads);
        Positive(c.NPositions, keys.Positions); Positive(c.VocabSize, "vocab_size"); Positive(c.DMlp, keys.Mlp);
        if (c.DModel % c.NHeads != 0)
            throw new HarnessException($"{c.Source}: {keys.DModel} ({c.DModel}) is not divisible by {keys.Heads} ({c.NHeads})");
        if (c.Family == ModelFamily.GptNeo) Positive(c.WindowSize, "window_size");
        if (c.AttentionLayers.Count != c.NLayers)
            throw new HarnessException($"{c.Source}: {c.AttentionLayers.Count} attention layer kinds for {c.NLayers} layers");
        if (!(c.LayerNormEpsilon > 0)) throw new HarnessException($"{c.Source}: layer_norm_epsilon must be positive");
        foreach (var (p, key) in new[] { (c.ResidDropout, keys.ResidDropout), (c.EmbedDropout, keys.EmbedDropout), (c.AttnDropout, keys.AttnDropout) })
            if (!(p >= 0 && p < 1)) throw new HarnessException($"{c.Source}: {key} must be in [0, 1), got {p}");
        return c;
    }

    /// The HuggingFace config.json text for this configuration (what Save writes).
    public string ToHfJson()
    {
        var o = new JsonObject();
        if (Family == ModelFamily.Gpt2)
        {
            o["architectures"] = new JsonArray("GPT2LMHeadModel");
            o["model_type"] = "gpt2";
            o["activation_function"] = "gelu_new";
            o["n_embd"] = DModel; o["n_layer"] = NLayers; o["n_head"] = NHeads;
            o["n_positions"] = NPositions; o["n_ctx"] = NPositions;
            o["n_inner"] = DMlp == 4 * DModel ? null : DMlp;
            o["vocab_size"] = VocabSize; o["layer_norm_epsilon"] = LayerNormEpsilon;
            o["resid_pdrop"] = ResidDropout; o["embd_pdrop"] = EmbedDropout; o["attn_pdrop"] = AttnDropout;
        }
        else
        {
            o["architectures"] = new JsonArray("GPTNeoForCausalLM");
            o["model_type"] = "gpt_neo";
            o["activation_function"] = "gelu_new";
            o["hidden_size"] = DModel; o["num_layers"] = NLayers; o["num_heads"] = NHeads;
            o["max_position_embeddings"] = NPositions;
            o["intermediate_size"] = DMlp == 4 * DModel ? null : DMlp;
            o["vocab_size"] = VocabSize; o["layer_norm_epsilon"] = LayerNormEpsilon;
            o["resid_dropout"] = ResidDropout; o["embed_dropout"] = EmbedDropout; o["attention_dropout"] = AttnDropout;
            o["attention_types"] = CompressAttentionTypes();
            o["attention_layers"] = new JsonArray(AttentionLayers.Select(k => (JsonNode)KindName(k)).ToArray());
            o["window_size"] = WindowSize;
        }
        o["bos_token_id"] = Gpt2Tokenizer.EndOfText;
        o["eos_token_id"] = Gpt2Tokenizer.EndOfText;
        o["tie_word_embeddings"] = true;
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string KindName(AttentionKind k) => k == AttentionKind.Global ? "global" : "local";

    /// The shortest repeating pattern of the per-layer kinds, as [[pattern, repeats]].
    private JsonArray CompressAttentionTypes()
    {
        int n = AttentionLayers.Count;
        int period = Enumerable.Range(1, n).First(p => n % p == 0
            && Enumerable.Range(0, n).All(i => AttentionLayers[i] == AttentionLayers[i % p]));
        var pattern = new JsonArray(AttentionLayers.Take(period).Select(k => (JsonNode)KindName(k)).ToArray());
        return new JsonArray(new JsonArray(pattern, n / period));
    }

    /// Typed access to config.json keys; each error names the file and the key.
    private sealed class ConfigKeys(JsonObject obj, string source)
    {
        public JsonNode Node(string key) =>
            obj[key] ?? throw new HarnessException($"{source}: missing key '{key}'");

        public string String(string key) =>
            OptionalString(key) ?? throw new HarnessException($"{source}: missing key '{key}'");

        public string? OptionalString(string key)
        {
            var node = obj[key];
            if (node is null) return null;
            return node is JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw new HarnessException($"{source}: key '{key}' must be a string, got {node.ToJsonString()}");
        }

        public int Int(string key) =>
            OptionalInt(key) ?? throw new HarnessException($"{source}: missing key '{key}'");

        public int? OptionalInt(string key)
        {
            var node = obj[key];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<double>(out var x) && x == Math.Floor(x) && Math.Abs(x) <= int.MaxValue)
                return (int)x;
            throw new HarnessException($"{source}: key '{key}' must be an integer, got {node.ToJsonString()}");
        }

        public double? OptionalDouble(string key)
        {
            var node = obj[key];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<double>(out var x) && double.IsFinite(x)) return x;
            throw new HarnessException($"{source}: key '{key}' must be a number, got {node.ToJsonString()}");
        }

        public bool? OptionalBool(string key)
        {
            var node = obj[key];
            if (node is null) return null;
            return node is JsonValue v && v.TryGetValue<bool>(out var b) ? b
                : throw new HarnessException($"{source}: key '{key}' must be true or false, got {node.ToJsonString()}");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Family == ModelFamily.Gpt2 ? "gpt2" : "gpt_neo")}: {NLayers} layers, d_model {DModel}, {NHeads} heads, {NPositions} positions, vocab {VocabSize}");
}
