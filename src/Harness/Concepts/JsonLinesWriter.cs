using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Harness.IO;

namespace Harness.Concepts;

/// Writes the dataset files in exactly the format JsonLinesReader reads: fields in a fixed order, "\n"
/// line ends and UTF-8 without a byte-order mark, so the same records always give the same bytes on
/// every platform (the committed datasets are compared byte for byte with the generator's output).
public static class JsonLinesWriter
{
    /// Escape only what JSON requires: "She's" stays readable instead of "She\u0027s".
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static string Format(IEnumerable<LabelledSentence> items) =>
        Lines(items, (w, s) => { w.WriteString("text", s.Text); w.WriteString("label", s.Label); w.WriteNumber("pair", s.Pair); });

    public static string Format(IEnumerable<BiasPrompt> items) =>
        Lines(items, (w, p) =>
        {
            w.WriteString("prompt", p.Prompt);
            w.WriteString("correct", p.Correct);
            w.WriteString("wrong", p.Wrong);
            w.WriteString("label", p.Label);
            w.WriteNumber("pair", p.Pair);
            if (p.Cue is not null) w.WriteString("cue", p.Cue);
        });

    public static string Format(IEnumerable<TextRecord> items) =>
        Lines(items, (w, t) => w.WriteString("text", t.Text));

    public static string Format(DatasetManifest manifest)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options with { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("description", manifest.Description);
            w.WriteStartArray("labels");
            foreach (var l in manifest.Labels) w.WriteStringValue(l);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        // Utf8JsonWriter indents with the platform's newline; the files must not depend on it.
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    /// Writes text as UTF-8 without a byte-order mark, atomically, creating the folder if needed.
    public static void WriteFile(string path, string content)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try { CreatedPaths.CreateFolder(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{path}: cannot create the folder {dir} ({e.Message})");
        }
        AtomicFile.Write(path, s => s.Write(new UTF8Encoding(false).GetBytes(content)));
    }

    private static string Lines<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        var sb = new StringBuilder();
        var buffer = new MemoryStream();
        foreach (var item in items)
        {
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer, Options))
            {
                w.WriteStartObject();
                write(w, item);
                w.WriteEndObject();
            }
            sb.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        }
        return sb.ToString();
    }
}
