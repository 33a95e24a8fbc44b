using System.Text;
using System.Text.Json;

namespace Harness.Concepts;

/// Strict loader for the dataset files (JSON Lines: one JSON object a line). A hand-written dataset
/// with a misspelt field, a missing answer or a label outside the dataset's label set would silently
/// skew a metric, so every such problem is an error naming the file and the line:
/// `experiments/datasets/gender/prompts.test.jsonl:12: missing field "wrong"` (a HarnessException).
/// Blank lines are skipped; a file without any record is an error.
public static class JsonLinesReader
{
    public static IReadOnlyList<LabelledSentence> ReadSentences(string path, IReadOnlyCollection<string> labels)
    {
        var items = Read(path, SentenceFields, r => new LabelledSentence(r.Text("text"), r.Label("label", labels), r.Pair("pair")));
        CheckPairs(path, items.Select(i => (i.Line, i.Item.Pair, i.Item.Label)));
        return items.Select(i => i.Item).ToList();
    }

    public static IReadOnlyList<BiasPrompt> ReadPrompts(string path, IReadOnlyCollection<string> labels)
    {
        var items = Read(path, PromptFields, PromptOptionalFields, r =>
        {
            var prompt = new BiasPrompt(r.Text("prompt"), r.Answer("correct"), r.Answer("wrong"), r.Label("label", labels), r.Pair("pair"))
            {
                Cue = r.Has("cue") ? r.Text("cue") : null,
            };
            if (prompt.Correct == prompt.Wrong)
                throw r.Error($"\"correct\" and \"wrong\" are the same ({Quote(prompt.Correct)}), the bias would always be 0");
            return prompt;
        });
        CheckPairs(path, items.Select(i => (i.Line, i.Item.Pair, i.Item.Label)));
        return items.Select(i => i.Item).ToList();
    }

    public static IReadOnlyList<TextRecord> ReadTexts(string path) =>
        Read(path, TextFields, r => new TextRecord(r.Text("text"))).Select(i => i.Item).ToList();

    /// `dataset.json`: one JSON object (not JSON Lines) with a description and a non-empty label set.
    public static DatasetManifest ReadManifest(string path)
    {
        var text = ReadAllText(path);
        if (text.Trim().Length == 0) throw new HarnessException($"{path}: empty file");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, ParseOptions); }
        catch (JsonException e) { throw new HarnessException($"{path}: not valid JSON ({ShortJsonMessage(e)})"); }
        using (doc)
        {
            var r = new FieldReader(path, null, doc.RootElement, ManifestFields);
            var description = r.Text("description");
            var labelsElement = r.Get("labels");
            if (labelsElement.ValueKind != JsonValueKind.Array)
                throw r.Error("field \"labels\" must be an array of strings");
            var labels = new List<string>();
            foreach (var l in labelsElement.EnumerateArray())
            {
                if (l.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(l.GetString()))
                    throw r.Error("field \"labels\" must be an array of non-empty strings");
                var s = l.GetString()!;
                if (labels.Contains(s, StringComparer.Ordinal)) throw r.Error($"label {Quote(s)} is listed twice");
                labels.Add(s);
            }
            if (labels.Count == 0) throw r.Error("field \"labels\" must list at least one label");
            return new DatasetManifest(description, labels);
        }
    }

    private static readonly string[] SentenceFields = ["text", "label", "pair"];
    private static readonly string[] PromptFields = ["prompt", "correct", "wrong", "label", "pair"];
    private static readonly string[] PromptOptionalFields = ["cue"];
    private static readonly string[] TextFields = ["text"];
    private static readonly string[] ManifestFields = ["description", "labels"];

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    private static List<(int Line, T Item)> Read<T>(string path, string[] fields, Func<FieldReader, T> parse) => Read(path, fields, [], parse);

    private static List<(int Line, T Item)> Read<T>(string path, string[] fields, string[] optional, Func<FieldReader, T> parse)
    {
        var text = ReadAllText(path);
        var items = new List<(int, T)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var lineNumber = i + 1;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line, ParseOptions); }
            catch (JsonException e) { throw new HarnessException($"{path}:{lineNumber}: not valid JSON ({ShortJsonMessage(e)})"); }
            using (doc)
                items.Add((lineNumber, parse(new FieldReader(path, lineNumber, doc.RootElement, fields, optional))));
        }
        if (items.Count == 0) throw new HarnessException($"{path}: empty file (no records)");
        return items;
    }

    /// A pair links one item per label; the same (pair, label) twice is a copy-paste slip that would
    /// make paired comparisons ambiguous.
    private static void CheckPairs(string path, IEnumerable<(int Line, int Pair, string Label)> items)
    {
        var seen = new Dictionary<(int, string), int>();
        foreach (var (line, pair, label) in items)
        {
            if (seen.TryGetValue((pair, label), out var first))
                throw new HarnessException($"{path}:{line}: pair {pair} already has a {Quote(label)} item (line {first})");
            seen[(pair, label)] = line;
        }
    }

    private static string ReadAllText(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: no such file");
        try { return File.ReadAllText(path, new UTF8Encoding(false, true)); }
        catch (DecoderFallbackException) { throw new HarnessException($"{path}: not UTF-8 text"); }
        catch (IOException e) { throw new HarnessException($"{path}: cannot read ({e.Message})"); }
    }

    /// System.Text.Json messages end with "Path: $ | LineNumber: 0 | BytePositionInLine: 12."; the
    /// line is ours to report, the byte position is worth keeping.
    private static string ShortJsonMessage(JsonException e)
    {
        var m = e.Message;
        var cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        var head = (cut > 0 ? m[..cut] : m).Trim().TrimEnd('.');
        return e.BytePositionInLine is { } pos ? $"{head}, at character {pos + 1}" : head;
    }

    internal static string Quote(string s) => JsonSerializer.Serialize(s);

    /// Reads the fields of one JSON object, rejecting unknown, duplicate and missing fields.
    private sealed class FieldReader
    {
        private readonly string _where;
        private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

        public FieldReader(string path, int? line, JsonElement root, string[] expected, string[]? optional = null)
        {
            optional ??= [];
            _where = line is null ? path : $"{path}:{line}";
            if (root.ValueKind != JsonValueKind.Object)
                throw Error($"expected a JSON object with fields {string.Join(", ", expected)}, got {Kind(root)}");
            foreach (var p in root.EnumerateObject())
            {
                if (!expected.Contains(p.Name, StringComparer.Ordinal) && !optional.Contains(p.Name, StringComparer.Ordinal))
                    throw Error($"unknown field {Quote(p.Name)} (expected {string.Join(", ", expected)}{(optional.Length > 0 ? $", optionally {string.Join(", ", optional)}" : "")})");
                if (!_fields.TryAdd(p.Name, p.Value))
                    throw Error($"field {Quote(p.Name)} is given twice");
            }
            foreach (var name in expected)
                if (!_fields.ContainsKey(name))
                    throw Error($"missing field {Quote(name)}");
        }

        public HarnessException Error(string message) => new($"{_where}: {message}");

        public JsonElement Get(string name) => _fields[name];

        public bool Has(string name) => _fields.ContainsKey(name);

        public string Text(string name)
        {
            var e = _fields[name];
            if (e.ValueKind != JsonValueKind.String) throw Error($"field {Quote(name)} must be a string, got {Kind(e)}");
            var s = e.GetString()!;
            if (s.Trim().Length == 0) throw Error($"field {Quote(name)} is empty");
            return s;
        }

        /// An answer token may be a lone space-prefixed word, so only emptiness is an error.
        public string Answer(string name)
        {
            var e = _fields[name];
            if (e.ValueKind != JsonValueKind.String) throw Error($"field {Quote(name)} must be a string, got {Kind(e)}");
            var s = e.GetString()!;
            if (s.Length == 0) throw Error($"field {Quote(name)} is empty");
            return s;
        }

        public string Label(string name, IReadOnlyCollection<string> labels)
        {
            var s = Text(name);
            if (!labels.Contains(s, StringComparer.Ordinal))
                throw Error($"label {Quote(s)} is not one of {string.Join(", ", labels)}");
            return s;
        }

        public int Pair(string name)
        {
            var e = _fields[name];
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var v) || v < 0)
                throw Error($"field {Quote(name)} must be a non-negative integer, got {e.GetRawText()}");
            return v;
        }

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => e.ValueKind.ToString(),
        };
    }
}
