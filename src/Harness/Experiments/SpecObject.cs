using System.Globalization;
using System.Text.Json;

namespace Harness.Experiments;

/// A strict reader for one JSON object of an experiment spec: every field must be one the object
/// allows (a misspelt field is an error naming it, never silently ignored), no field may appear
/// twice, and each typed getter names the file and the field's place when the value has the wrong
/// type: `experiments/swap.json: concept.positions must be "all" or "last", got 3`.
internal sealed class SpecObject
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

    public SpecObject(string file, string place, JsonElement element, IReadOnlyCollection<string> allowed)
    {
        File = file;
        Place = place;
        if (element.ValueKind != JsonValueKind.Object)
            throw Error($"{Where}must be a JSON object, got {Describe(element)}");
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
                throw Error($"unknown field '{Qualified(property.Name)}' (allowed{(Place.Length == 0 ? "" : " in " + Place)}: {string.Join(", ", allowed)})");
            if (!_fields.TryAdd(property.Name, property.Value))
                throw Error($"field '{Qualified(property.Name)}' is given twice");
        }
    }

    /// The spec file, for messages.
    public string File { get; }

    /// Where this object sits in the spec ("" for the top level, "concept", "methods[2]").
    public string Place { get; }

    private string Where => Place.Length == 0 ? "the spec " : Place + " ";

    public string Qualified(string field) => Place.Length == 0 ? field : $"{Place}.{field}";

    public bool Has(string field) => _fields.ContainsKey(field);

    public IEnumerable<string> Fields => _fields.Keys;

    public JsonElement? Get(string field) => _fields.TryGetValue(field, out var e) ? e : null;

    public JsonElement Require(string field) =>
        Get(field) ?? throw Error($"missing field '{Qualified(field)}'");

    public UsageException Error(string message) => new($"{File}: {message}");

    public string String(string field, bool allowEmpty = false)
    {
        var e = Require(field);
        if (e.ValueKind != JsonValueKind.String || (!allowEmpty && string.IsNullOrWhiteSpace(e.GetString())))
            throw Error($"{Qualified(field)} must be a{(allowEmpty ? "" : " non-empty")} string, got {Describe(e)}");
        return e.GetString()!;
    }

    public string? OptionalString(string field, bool allowEmpty = false) => Has(field) ? String(field, allowEmpty) : null;

    public int Int(string field, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Get(field) is not { } e) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var v))
            throw Error($"{Qualified(field)} must be an integer, got {Describe(e)}");
        if (v < min || v > max)
            throw Error($"{Qualified(field)} must be {Range(min, max)}, got {v}");
        return v;
    }

    public int? OptionalInt(string field, int min = int.MinValue, int max = int.MaxValue) =>
        Has(field) ? Int(field, 0, min, max) : null;

    /// A string or an array of strings (non-empty, no duplicates); one string counts as a list of one.
    public IReadOnlyList<string> StringList(string field)
    {
        var e = Require(field);
        var list = new List<string>();
        if (e.ValueKind == JsonValueKind.String) list.Add(e.GetString()!);
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw Error($"{Qualified(field)} must be a list of strings, got {Describe(item)} in it");
                list.Add(item.GetString()!);
            }
        }
        else throw Error($"{Qualified(field)} must be a string or a list of strings, got {Describe(e)}");
        if (list.Count == 0) throw Error($"{Qualified(field)} must not be empty");
        foreach (var s in list)
            if (string.IsNullOrWhiteSpace(s)) throw Error($"{Qualified(field)} holds an empty string");
        var twice = list.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw Error($"{Qualified(field)} lists '{twice.Key}' twice");
        return list;
    }

    /// A non-empty list of distinct integers within [min, max].
    public IReadOnlyList<int> IntList(string field, int min = int.MinValue, int max = int.MaxValue)
    {
        var list = new List<int>();
        foreach (var item in Array(field))
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var v))
                throw Error($"{Qualified(field)} must be a list of integers, got {Describe(item)} in it");
            if (v < min || v > max) throw Error($"{Qualified(field)} must hold integers {Range(min, max)}, got {v}");
            if (list.Contains(v)) throw Error($"{Qualified(field)} lists {v} twice");
            list.Add(v);
        }
        return list;
    }

    public IReadOnlyList<JsonElement> Array(string field)
    {
        var e = Require(field);
        if (e.ValueKind != JsonValueKind.Array)
            throw Error($"{Qualified(field)} must be a list, got {Describe(e)}");
        var items = e.EnumerateArray().ToList();
        if (items.Count == 0) throw Error($"{Qualified(field)} must not be empty");
        return items;
    }

    public SpecObject Object(string field, IReadOnlyCollection<string> allowed) =>
        new(File, Qualified(field), Require(field), allowed);

    /// A JSON scalar as the option text EraserOptions expects: numbers in invariant form, true/false,
    /// strings as they are.
    public string Scalar(string field)
    {
        var e = Require(field);
        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => e.GetRawText(),
            _ => throw Error($"{Qualified(field)} must be a number, true/false or a string, got {Describe(e)}"),
        };
    }

    public static string Describe(JsonElement e)
    {
        var raw = e.GetRawText();
        return raw.Length > 40 ? raw[..37] + "..." : raw;
    }

    private static string Range(int min, int max) =>
        max == int.MaxValue ? $"at least {min.ToString(CultureInfo.InvariantCulture)}"
        : min == int.MinValue ? $"at most {max.ToString(CultureInfo.InvariantCulture)}"
        : $"from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
}
