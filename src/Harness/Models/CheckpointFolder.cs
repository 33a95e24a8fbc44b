using System.Text.Json;

namespace Harness.Models;

/// A folder in HuggingFace layout: `config.json` plus safetensors weights, either one
/// `model.safetensors` or a `model.safetensors.index.json` whose weight_map names the shards.
public static class CheckpointFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// Checks that `dir` holds a complete checkpoint and returns its weight files (absolute, in load
    /// order). `what` names the folder in error messages, e.g. "model directory '/x'".
    public static IReadOnlyList<string> WeightFiles(string dir, string what)
    {
        if (!Paths.FileExists(Path.Combine(dir, ConfigFile)))
            throw new HarnessException($"{what} has no {ConfigFile}");
        var single = Path.Combine(dir, WeightsFile);
        if (Paths.FileExists(single)) return [single];
        var index = Path.Combine(dir, IndexFile);
        if (!Paths.FileExists(index))
        {
            // Older checkpoints carry only PyTorch pickles, which the harness does not read (loading a
            // pickle runs arbitrary code); say so rather than just "no weights".
            var pickle = Paths.FileExists(Path.Combine(dir, "pytorch_model.bin"))
                ? " (it has pytorch_model.bin, which is not supported: convert it to safetensors)"
                : "";
            throw new HarnessException($"{what} has no {WeightsFile} or {IndexFile}{pickle}");
        }
        var shards = ShardNames(index).Select(name => Path.Combine(dir, name)).ToList();
        var missing = shards.FirstOrDefault(s => !Paths.FileExists(s));
        if (missing is not null)
            throw new HarnessException($"{what}: shard {Path.GetFileName(missing)} named in {IndexFile} is missing");
        return shards;
    }

    /// Whether `dir` holds a complete checkpoint; never throws (a broken index counts as incomplete).
    public static bool IsComplete(string dir)
    {
        try
        {
            WeightFiles(dir, dir);
            return true;
        }
        catch (HarnessException)
        {
            return false;
        }
    }

    /// The distinct shard file names of a safetensors index, sorted (the hub names them
    /// model-00001-of-0000N.safetensors, so this is their natural order).
    public static IReadOnlyList<string> ShardNames(string indexPath)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(indexPath));
        }
        catch (JsonException e)
        {
            throw new HarnessException($"{indexPath}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
                throw new HarnessException($"{indexPath}: missing the \"weight_map\" object");
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new HarnessException($"{indexPath}: weight_map[\"{entry.Name}\"] is not a file name");
                var name = entry.Value.GetString()!;
                // The names become paths (and, when downloading, URLs and cache entries): a name that
                // climbs out of the folder must not be followed.
                if (!Paths.IsPlainName(name))
                    throw new HarnessException($"{indexPath}: shard name '{name}' is not a plain file name");
                names.Add(name);
            }
            if (names.Count == 0) throw new HarnessException($"{indexPath}: weight_map is empty");
            return names.ToList();
        }
    }
}
