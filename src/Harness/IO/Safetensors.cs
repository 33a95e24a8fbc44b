using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Harness.IO;

/// One tensor's entry in a safetensors header.
public sealed record SafetensorsEntry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End);

/// The parsed header of a safetensors file: its tensors (with byte ranges into the data section)
/// and its free-form string metadata.
public sealed record SafetensorsHeader(
    string Path, long DataStart, IReadOnlyDictionary<string, SafetensorsEntry> Entries,
    IReadOnlyDictionary<string, string> Metadata);

/// The safetensors format (HuggingFace): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data. Used for model
/// checkpoints and for fitted erasers (whose method and options go in the metadata).
public static class Safetensors
{
    private static readonly Dictionary<string, ScalarType> Dtypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// Reads and validates the header: every error names the file and, where there is one, the key.
    public static SafetensorsHeader ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) != 8)
            throw new HarnessException($"{path}: truncated safetensors file (no header length)");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength < 2 || headerLength > 100_000_000 || 8 + (long)headerLength > fileLength)
            throw new HarnessException($"{path}: corrupt safetensors header (header length {headerLength}, file length {fileLength})");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonDocument json;
        try { json = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw new HarnessException($"{path}: corrupt safetensors header ({e.Message})"); }
        using var _ = json;
        if (json.RootElement.ValueKind != JsonValueKind.Object)
            throw new HarnessException($"{path}: corrupt safetensors header (not a JSON object)");

        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw new HarnessException($"{path}: __metadata__ must be an object of strings");
                foreach (var m in property.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                        ? m.Value.GetString()!
                        : throw new HarnessException($"{path}: __metadata__ key '{m.Name}' is not a string");
                continue;
            }
            entries[property.Name] = ParseEntry(path, property, dataLength);
        }
        return new SafetensorsHeader(path, dataStart, entries, metadata);
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty property, long dataLength)
    {
        var name = property.Name;
        try
        {
            var v = property.Value;
            var dtypeName = v.GetProperty("dtype").GetString() ?? "";
            if (!Dtypes.TryGetValue(dtypeName, out var dtype))
                throw new HarnessException($"{path}: tensor '{name}' has unsupported dtype '{dtypeName}'");
            var shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new HarnessException($"{path}: tensor '{name}' has data offsets [{string.Join(", ", offsets)}] outside the {dataLength}-byte data section (truncated file?)");
            long expected = shape.Aggregate(1L, (a, b) => a * b) * Npy.ElementSize(dtype);
            if (offsets[1] - offsets[0] != expected)
                throw new HarnessException($"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] {dtypeName} needs {expected} bytes, header gives {offsets[1] - offsets[0]}");
            return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new HarnessException($"{path}: corrupt safetensors header entry '{name}' ({e.Message})");
        }
    }

    /// Reads one tensor (on the CPU, in its stored dtype).
    public static Tensor ReadTensor(SafetensorsHeader header, string name)
    {
        if (!header.Entries.TryGetValue(name, out var entry))
            throw new HarnessException($"{header.Path}: no tensor named '{name}'");
        var tensor = empty(entry.Shape, entry.Dtype);
        long length = entry.End - entry.Begin;
        if (length == 0) return tensor;
        var buffer = new byte[length];
        using (var stream = File.OpenRead(header.Path))
        {
            stream.Position = header.DataStart + entry.Begin;
            stream.ReadExactly(buffer);
        }
        tensor.bytes = buffer;
        return tensor;
    }

    /// Reads every tensor of a file.
    public static Dictionary<string, Tensor> ReadAll(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        var header = ReadHeader(path);
        metadata = header.Metadata;
        return header.Entries.Keys.ToDictionary(k => k, k => ReadTensor(header, k), StringComparer.Ordinal);
    }

    /// Writes tensors (sorted by name, contiguous, little-endian) and string metadata, atomically.
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        var blobs = new List<byte[]>();
        foreach (var name in names)
        {
            var t = tensors[name];
            var dtypeName = Dtypes.FirstOrDefault(kv => kv.Value == t.dtype).Key
                ?? throw new HarnessException($"{path}: cannot store tensor '{name}' of dtype {t.dtype}");
            using var c = t.detach().cpu().contiguous();
            var bytes = c.bytes.ToArray();
            header[name] = new { dtype = dtypeName, shape = t.shape, data_offsets = new[] { offset, offset + bytes.Length } };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var json = JsonSerializer.Serialize(header);
        // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
        var headerBytes = Encoding.UTF8.GetBytes(json);
        int pad = (8 - headerBytes.Length % 8) % 8;
        headerBytes = Encoding.UTF8.GetBytes(json + new string(' ', pad));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
            stream.Write(headerBytes);
            foreach (var b in blobs) stream.Write(b);
        });
    }
}
