using System.CommandLine;
using System.Text.Json;

namespace Harness.Cli;

/// Where a verb's prompts come from: `--text T` (repeated, or several values after one --text), or
/// `--dataset F`, a JSON Lines file whose every non-blank line is an object with a "text" or
/// "prompt" string field. Added to the verb's command by the constructor, read with Read.
internal sealed class PromptSource
{
    private readonly Option<string[]> _text;
    private readonly Option<string> _dataset;

    public PromptSource(Command command)
    {
        command.Options.Add(_text = TypedOption.Texts("--text", "T", "a prompt; repeat it (--text a --text b) or give several (--text a b) for more"));
        command.Options.Add(_dataset = TypedOption.Text("--dataset", "FILE", "JSON Lines file, one object per line with a \"text\" or \"prompt\" field"));
    }

    /// The --dataset file, when given (an input no output may overwrite).
    public string? Dataset(VerbArguments args) => args.Get(_dataset);

    public IReadOnlyList<string> Read(VerbArguments args, string verb)
    {
        var texts = args.Get(_text) ?? [];
        var dataset = Dataset(args);
        if (texts.Length > 0 && dataset is not null)
            throw new UsageException($"{verb}: give either --text or --dataset, not both");
        if (dataset is not null) return ReadJsonl(dataset);
        if (texts.Length == 0) throw new UsageException($"{verb}: missing required option --text or --dataset");
        return texts;
    }

    public static IReadOnlyList<string> ReadJsonl(string path)
    {
        if (!File.Exists(path)) throw new HarnessException($"{path}: file not found");
        var result = new List<string>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new HarnessException($"{path}:{lineNumber}: not valid JSON ({e.Message})"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new HarnessException($"{path}:{lineNumber}: expected a JSON object with a \"text\" or \"prompt\" field");
                if (!(doc.RootElement.TryGetProperty("text", out var value) || doc.RootElement.TryGetProperty("prompt", out value)))
                    throw new HarnessException($"{path}:{lineNumber}: no \"text\" or \"prompt\" field");
                if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
                    throw new HarnessException($"{path}:{lineNumber}: the \"text\"/\"prompt\" field must be a non-empty string");
                result.Add(value.GetString()!);
            }
        }
        if (result.Count == 0) throw new HarnessException($"{path}: no prompts (the file has no non-blank lines)");
        return result;
    }
}
