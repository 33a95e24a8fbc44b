using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using JsonIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition;
using StjIgnore = System.Text.Json.Serialization.JsonIgnoreAttribute;
using StjName = System.Text.Json.Serialization.JsonPropertyNameAttribute;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hypotheses.Snapshots;

/// Turns a hypothesis result into the JSON tree that is snapshotted, and that tree into text.
///
/// What a result may hold, and how it is written:
///   - records, classes, anonymous objects: their public readable properties, in declaration order
///     (base class first), named as in the code or by [JsonPropertyName]; [JsonIgnore] skips one,
///     [JsonIgnore(Condition = WhenWritingNull)] skips one that is null;
///   - dictionaries: keys sorted (ordinal), so insertion order never makes a diff;
///   - lists and arrays: in their order, one element per line;
///   - double, float, decimal: rounded by SnapshotRounding; NaN and infinities as strings;
///   - integers, bools, strings as themselves; enums as their names, so verdicts are words;
///   - Newtonsoft JToken and System.Text.Json nodes: as they are, with their numbers rounded.
/// Times, dates and tensors are refused with a reason: they change on every run or do not belong
/// in a snapshot (turn a tensor into a double[] first).
public static class SnapshotJson
{
    private const int MaxDepth = 32;

    /// The tree of `value`, numbers rounded by `rounding` (null: unrounded, as the comparison with a
    /// snapshot sees them).
    public static JToken ToToken(object? value, SnapshotRounding? rounding) => Convert(value, rounding, "result", 0);

    /// The text written to a snapshot file: indented JSON, '\n' line ends, one value per line, a
    /// final newline.
    public static string Render(JToken token)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.Indented, Indentation = 2 })
            token.WriteTo(writer);
        return text.ToString().ReplaceLineEndings("\n") + "\n";
    }

    private static JToken Convert(object? value, SnapshotRounding? rounding, string path, int depth)
    {
        if (depth > MaxDepth)
            throw new ArgumentException($"snapshot: {path} is nested more than {MaxDepth} deep (a cycle?)");
        switch (value)
        {
            case null: return JValue.CreateNull();
            case string s: return new JValue(s);
            case bool b: return new JValue(b);
            case char c: return new JValue(c.ToString());
            case Enum e: return new JValue(e.ToString());
            case double d: return Number(d, rounding);
            case float f: return Number(f, rounding);
            case decimal m: return Number((double)m, rounding);
            case Half h: return Number((double)h, rounding);
            case sbyte or byte or short or ushort or int or uint or long:
                return new JValue(System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u: return new JValue(u);
            case JToken token: return RoundToken(token.DeepClone(), rounding);
            case JsonNode node: return RoundToken(JToken.Parse(node.ToJsonString()), rounding);
            case System.Text.Json.JsonElement element: return RoundToken(JToken.Parse(element.GetRawText()), rounding);
            case DateTime or DateTimeOffset or DateOnly or TimeOnly or TimeSpan:
                throw new ArgumentException($"snapshot: {path} is a {value.GetType().Name}; times change on every run and do not belong in a snapshot");
        }

        var type = value.GetType();
        if (type.Namespace?.StartsWith("TorchSharp", StringComparison.Ordinal) == true)
            throw new ArgumentException($"snapshot: {path} is a {type.Name}; convert tensors to numbers or double[] before snapshotting");
        if (value is Delegate or Type or Task or MemberInfo)
            throw new ArgumentException($"snapshot: {path} is a {type.Name}, which has no value to snapshot");

        if (DictionaryEntries(value) is { } entries)
        {
            var obj = new JObject();
            foreach (var (key, item) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (obj.ContainsKey(key))
                    throw new ArgumentException($"snapshot: {path} has two keys written as \"{key}\"");
                obj.Add(key, Convert(item, rounding, $"{path}.{key}", depth + 1));
            }
            return obj;
        }
        if (value is IEnumerable sequence)
        {
            var array = new JArray();
            var i = 0;
            foreach (var item in sequence)
                array.Add(Convert(item, rounding, $"{path}[{i++}]", depth + 1));
            return array;
        }

        var properties = ReadableProperties(type);
        if (properties.Count == 0)
            throw new ArgumentException($"snapshot: {path} is a {type.Name} with no public properties to snapshot");
        var result = new JObject();
        foreach (var (name, property) in properties)
        {
            var item = property.GetValue(value);
            if (item is null && property.GetCustomAttribute<StjIgnore>() is { Condition: JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault })
                continue;
            result.Add(name, Convert(item, rounding, $"{path}.{name}", depth + 1));
        }
        return result;
    }

    private static JToken Number(double value, SnapshotRounding? rounding) =>
        double.IsFinite(value)
            ? new JValue(rounding?.Round(value) ?? (value == 0 ? 0.0 : value))
            : new JValue(value.ToString(CultureInfo.InvariantCulture)); // "NaN", "Infinity", "-Infinity"

    private static JToken RoundToken(JToken token, SnapshotRounding? rounding)
    {
        if (token is JValue { Type: JTokenType.Float } v) return Number(System.Convert.ToDouble(v.Value, CultureInfo.InvariantCulture), rounding);
        if (token is not JContainer container) return token;
        foreach (var number in container.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.Float).ToList())
            number.Replace(Number(System.Convert.ToDouble(number.Value, CultureInfo.InvariantCulture), rounding));
        return token;
    }

    /// The entries of a dictionary (non-generic IDictionary, IDictionary<,> or
    /// IReadOnlyDictionary<,>) with their keys as strings; null for anything else.
    private static List<(string Key, object? Value)>? DictionaryEntries(object value)
    {
        if (value is IDictionary plain)
        {
            // IDictionary's own enumerator yields DictionaryEntry (IEnumerable's may yield pairs).
            var entries = new List<(string, object?)>();
            for (var e = plain.GetEnumerator(); e.MoveNext();) entries.Add((KeyText(e.Key), e.Value));
            return entries;
        }
        var pairType = value.GetType().GetInterfaces()
            .Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>)
                                            || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            .Select(i => typeof(KeyValuePair<,>).MakeGenericType(i.GetGenericArguments()))
            .FirstOrDefault();
        if (pairType is null) return null;
        var key = pairType.GetProperty(nameof(KeyValuePair<int, int>.Key))!;
        var item = pairType.GetProperty(nameof(KeyValuePair<int, int>.Value))!;
        return ((IEnumerable)value).Cast<object>().Select(p => (KeyText(key.GetValue(p)), item.GetValue(p))).ToList();
    }

    private static string KeyText(object? key) => key switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };

    /// Public instance properties without parameters, base class first, each class's in the order
    /// they are declared (metadata order), so the file follows the code.
    private static List<(string Name, PropertyInfo Property)> ReadableProperties(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Insert(0, t);
        var list = new List<(string, PropertyInfo)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaring in chain)
        {
            var declared = declaring
                .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
                .Where(p => p.GetCustomAttribute<StjIgnore>() is not { Condition: JsonIgnoreCondition.Always })
                .OrderBy(p => p.MetadataToken);
            foreach (var p in declared)
            {
                var name = p.GetCustomAttribute<StjName>()?.Name ?? p.Name;
                if (seen.Add(name)) list.Add((name, p));
            }
        }
        return list;
    }
}
