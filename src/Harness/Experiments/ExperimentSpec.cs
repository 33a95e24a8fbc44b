using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Harness.Edits;
using Harness.Experiments.Verdicts;

namespace Harness.Experiments;

/// An experiment as written in `experiments/<name>.json`: which models, sites, concept, methods,
/// edits, datasets and metrics. Parsing is strict (an unknown field is an error naming it and the
/// file) and checks every name that can be checked without a model: methods and their options,
/// edits, metrics, the hypothesis, site names. Datasets, answer tokens and layer ranges are checked
/// by ExperimentPlan, still before any model is loaded. See README.md for the format. A spec that
/// is wrong in itself is a UsageException (exit 2); a spec file that is missing or unreadable is a
/// runtime failure (exit 1).
public sealed partial record ExperimentSpec
{
    /// The spec file (for messages).
    public required string Source { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// The hypothesis whose verdict rule judges the results (VerdictRules), if any.
    public string? Hypothesis { get; init; }
    /// Models to run on (anything --model takes); empty means the default organism.
    public IReadOnlyList<string> Models { get; init; } = [];
    public required SiteSelection Sites { get; init; }
    public required ConceptSpec Concept { get; init; }
    public required IReadOnlyList<MethodSpec> Methods { get; init; }
    public required IReadOnlyList<EditSpec> Edits { get; init; }
    public Positions EditPositions { get; init; } = Positions.All;
    public required EvaluateSpec Evaluate { get; init; }
    public required IReadOnlyList<string> Metrics { get; init; }
    public GenerationSpec Generation { get; init; } = GenerationSpec.Default;
    public int Seed { get; init; }
    /// Prompts (or texts) per forward pass.
    public int BatchSize { get; init; } = 32;
    /// Bootstrap resamples behind every interval (ClusterBootstrap), drawn from Seed.
    public int Resamples { get; init; } = Evidence.ClusterBootstrap.DefaultResamples;

    public static readonly string[] Fields =
    [
        "name", "description", "hypothesis", "models", "sites", "layers", "concept", "methods", "edits",
        "edit_positions", "evaluate", "metrics", "generation", "seed", "batch_size", "resamples",
    ];

    /// The edits used when a spec gives none.
    public static readonly string[] DefaultEdits = ["project", "reflect", "amplify"];

    /// Edits that move activations along directions around a centre: the runner centres them on the
    /// median of the training activations unless the spec says otherwise (the discussion's
    /// "projection around the median").
    private static readonly string[] CentredEdits = ["project", "reflect", "amplify", "scale"];

    public bool Wants(string metric) => Metrics.Contains(metric);

    /// Whether a probe is retrained on the concept's activations (probe_accuracy, mlp_probe_accuracy).
    public bool WantsProbe => Wants(MetricNames.ProbeAccuracy) || Wants(MetricNames.MlpProbeAccuracy);

    /// Whether a metric needs greedy generations (generation_divergence, partner_divergence).
    public bool Generates => MetricRegistry.Of(this, m => m.Source == MetricSource.Generations).Any();

    /// <summary>Reads and checks a spec file (experiments/&lt;name&gt;.json); a bad field is a one-line HarnessException naming the file and field.</summary>
    public static ExperimentSpec Load(string path)
    {
        if (Directory.Exists(path)) throw new HarnessException($"{path}: is a folder; give a spec file (experiments/<name>.json)");
        if (!File.Exists(path)) throw new HarnessException($"{path}: no such spec file");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new HarnessException($"{path}: cannot read ({e.Message})"); }
        return Parse(text, path);
    }

    public static ExperimentSpec Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: not valid JSON ({e.Message.Split('\n')[0].Split(" Path:")[0].TrimEnd('.')}, line {e.LineNumber + 1})");
        }
        using (document)
        {
            var spec = new SpecObject(source, "", document.RootElement, Fields);
            var name = spec.String("name");
            if (!SafeName().IsMatch(name))
                throw spec.Error($"name must be letters, digits, '.', '_' or '-' (it names the output folder), got \"{name}\"");
            string? hypothesis = spec.OptionalString("hypothesis");
            if (hypothesis is not null && VerdictRules.Find(hypothesis) is null)
                throw spec.Error($"unknown hypothesis '{hypothesis}' (known: {string.Join(", ", VerdictRules.All.Select(r => r.Name))})");
            int seed = spec.Int("seed", 0, min: 0);
            var concept = ConceptSpec.Parse(spec.Object("concept", ConceptSpec.Fields));
            var metrics = spec.Has("metrics") ? spec.StringList("metrics") : [MetricNames.PronounBias];
            foreach (var m in metrics)
                if (!MetricNames.Known.Contains(m))
                    throw spec.Error($"unknown metric '{m}' (known: {string.Join(", ", MetricNames.Known)})");
            if (metrics.Contains(MetricNames.KlPerBiasChange) && !(metrics.Contains(MetricNames.KlDamage) && metrics.Contains(MetricNames.PronounBias)))
                throw spec.Error($"metric {MetricNames.KlPerBiasChange} is a ratio of {MetricNames.KlDamage} to the change of {MetricNames.PronounBias}: list both");
            var positionsText = spec.OptionalString("edit_positions") ?? "all";
            var editPositions = PositionsNames.Parse(positionsText)
                ?? throw spec.Error($"edit_positions must be \"all\" or \"last\", got \"{positionsText}\"");
            var parsed = new ExperimentSpec
            {
                Source = source,
                Name = name,
                Description = spec.OptionalString("description", allowEmpty: true) ?? "",
                Hypothesis = hypothesis is null ? null : VerdictRules.Find(hypothesis)!.Name,
                Models = spec.Has("models") ? spec.StringList("models") : [],
                Sites = SiteSelection.Parse(spec),
                Concept = concept,
                Methods = MethodSpec.ParseAll(source, spec.Array("methods"), concept, seed),
                Edits = ParseEdits(spec),
                EditPositions = editPositions,
                Evaluate = EvaluateSpec.Parse(spec, concept.Dataset),
                Metrics = MetricNames.Known.Where(metrics.Contains).ToList(),
                Generation = GenerationSpec.Parse(spec),
                Seed = seed,
                BatchSize = spec.Int("batch_size", 32, min: 1, max: 4096),
                Resamples = spec.Int("resamples", Evidence.ClusterBootstrap.DefaultResamples, min: 100, max: 100_000),
            };
            if (parsed.Hypothesis is { } h && VerdictRules.Find(h)!.Needs.Missing(parsed) is { } missing)
                throw spec.Error($"hypothesis {h} needs {missing}");
            return parsed;
        }
    }

    private static IReadOnlyList<EditSpec> ParseEdits(SpecObject spec)
    {
        var raw = spec.Has("edits") ? spec.Array("edits") : [];
        for (int i = 0; i < raw.Count; i++)
        {
            if (raw[i].ValueKind != JsonValueKind.Object) continue;
            var twice = raw[i].EnumerateObject().GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw spec.Error($"edits[{i}]: field '{twice.Key}' is given twice");
        }
        var elements = spec.Has("edits")
            ? raw.Select(e => JsonNode.Parse(e.GetRawText())).ToList()
            : DefaultEdits.Select(e => (JsonNode?)JsonValue.Create(e)).ToList();
        var edits = new List<EditSpec>();
        for (int i = 0; i < elements.Count; i++)
        {
            var node = WithMedianCentre(elements[i]);
            EditSpec edit;
            try { edit = EditSpec.Parse(node); }
            catch (HarnessException e) { throw spec.Error($"edits[{i}]: {e.Message}"); }
            if (edits.Any(x => x.Label == edit.Label))
                throw spec.Error($"edits[{i}]: the edit {edit.Label} is listed twice");
            edits.Add(edit);
        }
        return edits;
    }

    /// Centred edits given without a centre get the median one.
    private static JsonNode? WithMedianCentre(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && CentredEdits.Contains(v.GetValue<string>()))
            return new JsonObject { ["edit"] = v.GetValue<string>(), ["centre"] = "median" };
        if (node is JsonObject o && o.TryGetPropertyValue("edit", out var e) && e is JsonValue ev
            && ev.GetValueKind() == JsonValueKind.String && CentredEdits.Contains(ev.GetValue<string>()) && !o.ContainsKey("centre"))
            o["centre"] = "median";
        return node;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}
