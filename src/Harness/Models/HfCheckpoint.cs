using System.Text.Json;
using System.Text.RegularExpressions;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Models;

/// Checkpoints in HuggingFace layout: a folder with `config.json` and either `model.safetensors` or
/// a sharded `model.safetensors.index.json` (its weight_map names the shard holding each tensor).
///
/// Tensor names may carry the `transformer.` prefix (GPT-Neo, and GPT2LMHeadModel saves) or not
/// (the hub's `gpt2` file). Legacy attention-mask buffers (`attn.bias`, `attn.masked_bias`) are
/// ignored; `lm_head.weight`, when present, must equal the token embedding it is tied to. Weights
/// are converted to the requested dtype (float32 by default, whatever they are stored as). Every
/// problem is a one-line HarnessException naming the file and the tensor.
public static partial class HfCheckpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";
    private const string Prefix = "transformer.";
    private const string LmHead = "lm_head.weight";

    /// One tensor of the checkpoint: the file it is in and its name there.
    private sealed record Stored(SafetensorsHeader Header, string Name);

    /// Loads a model from a HuggingFace-layout folder, frozen and in eval mode.
    public static LanguageModel Load(string directory, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        if (!Directory.Exists(directory))
            throw new HarnessException($"{directory}: model directory not found (expected a folder with {ConfigFile} and {WeightsFile})");
        var device = LoadOptions.ResolveDevice(options.Device);
        var config = ModelConfig.Load(Path.Combine(directory, ConfigFile));
        var (tensors, weightsPath) = Index(directory);

        var model = new LanguageModel(config);
        model.to(options.Dtype).to(device);
        model.Freeze();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

        using (no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                if (!tensors.TryGetValue(name, out var stored))
                    throw new HarnessException($"{weightsPath}: missing weight '{name}' (looked for '{name}' and '{Prefix}{name}')");
                var entry = stored.Header.Entries[stored.Name];
                CheckShape(stored, entry.Shape, parameter.shape);
                using var t = Safetensors.ReadTensor(stored.Header, stored.Name);
                parameter.copy_(t);
            }
            foreach (var (name, stored) in tensors)
            {
                if (parameters.ContainsKey(name) || IsLegacyBuffer(name)) continue;
                if (name == LmHead)
                {
                    CheckTiedHead(stored, parameters["wte.weight"]);
                    continue;
                }
                throw new HarnessException($"{stored.Header.Path}: unexpected tensor '{stored.Name}' (not a weight of a {config.Family} model with this config)");
            }
        }
        model.eval();
        return model;
    }

    /// Writes `config.json` and `model.safetensors` (tensors named `transformer.*`, in `dtype`) so
    /// that this loader, and HuggingFace's, can load the model. The folder is created if needed.
    public static void Save(LanguageModel model, string directory, ScalarType dtype = ScalarType.Float32)
    {
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{directory}: cannot create the model directory ({e.Message})");
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, p) in model.named_parameters())
                tensors[Prefix + name] = p.detach().to(dtype).cpu().DetachFromDisposeScope();
            Safetensors.Write(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        var json = model.Config.ToHfJson();
        AtomicFile.Write(Path.Combine(directory, ConfigFile), s => s.Write(System.Text.Encoding.UTF8.GetBytes(json + "\n")));
    }

    /// Every tensor of the checkpoint by its name without the `transformer.` prefix, and the path to
    /// name in "missing weight" errors.
    private static (Dictionary<string, Stored> Tensors, string WeightsPath) Index(string directory)
    {
        var single = Path.Combine(directory, WeightsFile);
        var index = Path.Combine(directory, IndexFile);
        var tensors = new Dictionary<string, Stored>(StringComparer.Ordinal);
        if (File.Exists(single))
        {
            var header = Safetensors.ReadHeader(single);
            foreach (var name in header.Entries.Keys) Add(tensors, new Stored(header, name));
            return (tensors, single);
        }
        if (File.Exists(index))
        {
            var headers = new Dictionary<string, SafetensorsHeader>(StringComparer.Ordinal);
            foreach (var (name, shard) in ReadWeightMap(index))
            {
                var shardPath = Path.Combine(directory, shard);
                if (!headers.TryGetValue(shard, out var header))
                {
                    if (!File.Exists(shardPath))
                        throw new HarnessException($"{index}: shard '{shard}' (for tensor '{name}') not found");
                    headers[shard] = header = Safetensors.ReadHeader(shardPath);
                }
                if (!header.Entries.ContainsKey(name))
                    throw new HarnessException($"{shardPath}: no tensor '{name}', which {IndexFile} places in this shard");
                Add(tensors, new Stored(header, name));
            }
            return (tensors, index);
        }
        if (File.Exists(Path.Combine(directory, "pytorch_model.bin")))
            throw new HarnessException($"{Path.Combine(directory, "pytorch_model.bin")}: PyTorch pickle checkpoints are not supported; save the model as {WeightsFile}");
        throw new HarnessException($"{directory}: no {WeightsFile} or {IndexFile} in the model directory");
    }

    private static void Add(Dictionary<string, Stored> tensors, Stored stored)
    {
        var name = stored.Name.StartsWith(Prefix, StringComparison.Ordinal) ? stored.Name[Prefix.Length..] : stored.Name;
        if (tensors.TryGetValue(name, out var other))
            throw new HarnessException($"{stored.Header.Path}: tensor '{stored.Name}' is stored twice (also as '{other.Name}' in {other.Header.Path})");
        tensors[name] = stored;
    }

    private static IEnumerable<(string Name, string Shard)> ReadWeightMap(string index)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(index)); }
        catch (JsonException e) { throw new HarnessException($"{index}: not valid JSON ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new HarnessException($"{index}: missing key 'weight_map' (an object from tensor name to shard file)");
        var result = new List<(string, string)>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new HarnessException($"{index}: weight_map entry '{entry.Name}' must name a shard file");
            var shard = entry.Value.GetString()!;
            if (Path.IsPathRooted(shard) || shard.Contains("..", StringComparison.Ordinal))
                throw new HarnessException($"{index}: weight_map entry '{entry.Name}' names '{shard}', which is outside the model directory");
            result.Add((entry.Name, shard));
        }
        return result;
    }

    private static void CheckShape(Stored stored, long[] actual, long[] expected)
    {
        if (!actual.SequenceEqual(expected))
            throw new HarnessException($"{stored.Header.Path}: tensor '{stored.Name}' has shape [{string.Join(", ", actual)}] but {ConfigFile} implies [{string.Join(", ", expected)}]");
    }

    private static void CheckTiedHead(Stored stored, Tensor wte)
    {
        CheckShape(stored, stored.Header.Entries[stored.Name].Shape, wte.shape);
        using var head = Safetensors.ReadTensor(stored.Header, stored.Name);
        using var converted = head.to(wte.dtype, wte.device);
        if (!converted.allclose(wte, rtol: 1e-3, atol: 1e-6))
            throw new HarnessException($"{stored.Header.Path}: tensor '{stored.Name}' differs from the token embedding wte; untied output layers are not supported");
    }

    /// HuggingFace's causal-mask buffers, saved by old checkpoints: not weights.
    private static bool IsLegacyBuffer(string name) => LegacyBuffer().IsMatch(name);

    [GeneratedRegex(@"^h\.\d+\.attn\.(attention\.)?(bias|masked_bias)$")]
    private static partial Regex LegacyBuffer();
}
