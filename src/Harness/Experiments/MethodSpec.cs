using System.Text.Json;
using Harness.Erasure;

namespace Harness.Experiments;

/// One entry of a spec's `methods`: a direction method with its options, e.g.
/// `{"method": "rlace", "max_steps": 300}`, `"leace"`, or `{"method": "probe", "label":
/// "probe-politics", "concept": {"dataset": "politics"}}`. Every field other than method, label and
/// concept is an option of the method (checked against the method's declared options). Options the
/// method declares named `seed` default to the spec's seed.
///
/// Label: what results rows call it. Defaults to the method name, with "@dataset" (and ":cue" for a
/// concept of one cue) when it has its own concept, and with its non-default options in brackets when another entry would otherwise
/// get the same label: `inlp(iterations=4)`.
///
/// Seeds: a method that declares a `seed` option also takes `"seeds": [0, 1, 2, 3, 4]`; the entry
/// becomes one method per seed, labelled `rlace(seed=3)` (the seed joins the bracket of a label
/// that has one), each with `SeedGroup` = the entry's label. The runner adds the group's aggregate
/// rows under that label (ExperimentRunner.SeedRows): a seed is one sample of a stochastic fit.
///
/// Subsets: `"subsets": {"count": 20, "size": 10}` makes the entry one method per subset of the
/// concept's training prompts (PromptSubsets), labelled `probe(subset=3)`, each with `Subset` = k
/// and `SubsetGroup` = the entry's label.
///
/// Of: a `union` entry names earlier methods by label, `"of": ["gender", "hair"]`
/// (UnionDirections); each must be a method (or one seed or subset of one) listed before it.
public sealed record MethodSpec
{
    public required EraserMethod Method { get; init; }
    public required string Label { get; init; }
    public required EraserOptions Options { get; init; }
    /// The options the spec gave (after normalisation), for labels and the report.
    public required IReadOnlyDictionary<string, string> Given { get; init; }
    /// The concept the method is fitted on (the spec's concept unless the entry gives its own).
    public required ConceptSpec Concept { get; init; }
    /// Whether the entry gave its own concept.
    public required bool OwnConcept { get; init; }
    /// The entry's `seeds`, before ParseAll expands it into one method per seed.
    public IReadOnlyList<int>? Seeds { get; init; }
    /// For a method expanded from `seeds`: the entry's label, under which the seeds are aggregated.
    public string? SeedGroup { get; init; }
    /// The entry's `subsets`, before ParseAll expands it into one method per subset.
    public PromptSubsets? Subsets { get; init; }
    /// For a method expanded from `subsets`: which subset it is fitted on, and the entry's label.
    public int? Subset { get; init; }
    public int SubsetSize { get; init; }
    public string? SubsetGroup { get; init; }
    /// For a union: the labels of the methods whose directions it erases together.
    public IReadOnlyList<string>? Of { get; init; }

    public string Name => Method.Name;

    private static readonly string[] ReservedFields = ["method", "label", "concept", "seeds", "subsets", UnionDirections.OfField];

    /// Parses entry `index` of `methods`; the label is completed by ParseAll.
    internal static MethodSpec Parse(string file, int index, JsonElement element, ConceptSpec defaultConcept, int seed)
    {
        var place = $"methods[{index}]";
        if (element.ValueKind == JsonValueKind.String)
        {
            var m = DirectionMethods.Get(element.GetString()!, $"{file}: {place}");
            return Build(file, place, m, new Dictionary<string, string>(), null, defaultConcept, seed, null, null, null);
        }
        if (element.ValueKind != JsonValueKind.Object)
            throw new UsageException($"{file}: {place} must be a method name or an object with a \"method\" field, got {SpecObject.Describe(element)}");
        string? name = element.TryGetProperty("method", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (name is null) throw new UsageException($"{file}: {place} needs a \"method\" field naming the method");
        var method = DirectionMethods.Get(name, $"{file}: {place}");
        var allowed = ReservedFields.Concat(method.Options.Select(o => o.Name)).ToArray();
        SpecObject o;
        try { o = new SpecObject(file, place, element, allowed); }
        catch (HarnessException e) when (e.Message.Contains("unknown field", StringComparison.Ordinal))
        {
            var unknown = element.EnumerateObject().First(p => !allowed.Contains(p.Name)).Name;
            throw new UsageException($"{file}: {place}: '{unknown}' is not an option of method {method.Name} (options: {(method.Options.Count == 0 ? "none" : string.Join(", ", method.Options.Select(x => x.Name)))})");
        }
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in o.Fields.Where(f => !ReservedFields.Contains(f))) given[field] = o.Scalar(field);
        var label = o.OptionalString("label");
        ConceptSpec? concept = o.Has("concept") ? ConceptSpec.Parse(o.Object("concept", ConceptSpec.Fields)) : null;
        IReadOnlyList<int>? seeds = null;
        if (o.Has("seeds"))
        {
            if (!method.Options.Any(x => x.Name == "seed"))
                throw new UsageException($"{file}: {place}.seeds: method {method.Name} has no seed (it is deterministic)");
            if (given.ContainsKey("seed"))
                throw new UsageException($"{file}: {place}: give \"seed\" or \"seeds\", not both");
            seeds = o.IntList("seeds", min: 0);
        }
        PromptSubsets? subsets = o.Has("subsets") ? PromptSubsets.Parse(o.Object("subsets", PromptSubsets.Fields)) : null;
        IReadOnlyList<string>? of = null;
        if (o.Has(UnionDirections.OfField) != (method.Name == UnionDirections.Name))
            throw new UsageException(method.Name == UnionDirections.Name
                ? $"{file}: {place}: method {UnionDirections.Name} needs \"{UnionDirections.OfField}\": the labels of the earlier methods it erases together"
                : $"{file}: {place}: '{UnionDirections.OfField}' is not an option of method {method.Name} (only {UnionDirections.Name} takes it)");
        if (method.Name == UnionDirections.Name)
        {
            of = o.StringList(UnionDirections.OfField);
            if (of.Count < 2) throw new UsageException($"{file}: {place}.{UnionDirections.OfField} must name at least two methods, got {of.Count}");
            if (seeds is not null || subsets is not null) throw new UsageException($"{file}: {place}: a {UnionDirections.Name} takes neither \"seeds\" nor \"subsets\"");
        }
        if (subsets is not null && seeds is not null)
            throw new UsageException($"{file}: {place}: give \"seeds\" or \"subsets\", not both (each subset is fitted with the entry's seed)");
        return Build(file, place, method, given, concept, defaultConcept, seed, label, seeds, subsets) with { Of = of };
    }

    private static MethodSpec Build(string file, string place, EraserMethod method, Dictionary<string, string> given,
        ConceptSpec? concept, ConceptSpec defaultConcept, int seed, string? label, IReadOnlyList<int>? seeds, PromptSubsets? subsets)
    {
        var values = new Dictionary<string, string>(given, StringComparer.Ordinal);
        if (method.Options.Any(x => x.Name == "seed") && !values.ContainsKey("seed"))
            values["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = EraserOptions.From(method, values, $"{file}: {place}");
        if (method.Name == FileDirection.Name) FileDirection.Resolve(file, place, options); // a missing file fails before any model loads
        var normalised = given.Keys.ToDictionary(k => k, k => options.Values[k], StringComparer.Ordinal);
        if (label is not null && (label == "none" || label.Any(char.IsWhiteSpace)))
            throw new UsageException($"{file}: {place}.label must be a name without spaces other than \"none\", got \"{label}\"");
        return new MethodSpec
        {
            Method = method,
            Label = label ?? "",
            Options = options,
            Given = normalised,
            Concept = concept ?? defaultConcept,
            OwnConcept = concept is not null && concept != defaultConcept,
            Seeds = seeds,
            Subsets = subsets,
        };
    }

    /// One method per seed of an entry with `seeds`, labelled `label(seed=k)` or `label(...,seed=k)`.
    private static IEnumerable<MethodSpec> PerSeed(string file, MethodSpec m)
    {
        foreach (var s in m.Seeds!)
        {
            var text = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var values = new Dictionary<string, string>(m.Options.Values, StringComparer.Ordinal) { ["seed"] = text };
            var label = m.Label.EndsWith(')') ? $"{m.Label[..^1]},seed={text})" : $"{m.Label}(seed={text})";
            yield return m with
            {
                Options = EraserOptions.From(m.Method, values, $"{file}: {label}"),
                Given = new Dictionary<string, string>(m.Given, StringComparer.Ordinal) { ["seed"] = text },
                Label = label,
                Seeds = null,
                SeedGroup = m.Label,
            };
        }
    }

    /// One method per subset of an entry with `subsets`, labelled like PerSeed's with `subset=k`.
    private static IEnumerable<MethodSpec> PerSubset(MethodSpec m)
    {
        for (int k = 0; k < m.Subsets!.Count; k++)
            yield return m with
            {
                Label = m.Label.EndsWith(')') ? $"{m.Label[..^1]},subset={k})" : $"{m.Label}(subset={k})",
                Subsets = null,
                Subset = k,
                SubsetSize = m.Subsets.Size,
                SubsetGroup = m.Label,
            };
    }

    /// Parses every entry and completes the labels (see the type's comment); equal labels are an error.
    internal static IReadOnlyList<MethodSpec> ParseAll(string file, IReadOnlyList<JsonElement> entries, ConceptSpec defaultConcept, int seed)
    {
        var methods = entries.Select((e, i) => Parse(file, i, e, defaultConcept, seed)).ToList();
        string Base(MethodSpec m) => m.Name + (m.OwnConcept ? "@" + m.Concept.Dataset + (m.Concept.Cue is { } cue ? ":" + cue : "") : "");
        var counts = methods.Where(m => m.Label.Length == 0).GroupBy(Base).ToDictionary(g => g.Key, g => g.Count());
        for (int i = 0; i < methods.Count; i++)
        {
            var m = methods[i];
            if (m.Label.Length > 0) continue;
            var label = Base(m);
            if (counts[label] > 1 && m.Given.Count > 0)
                label += "(" + string.Join(",", m.Given.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) + ")";
            methods[i] = m with { Label = label };
        }
        methods = methods.SelectMany(m => m.Seeds is not null ? PerSeed(file, m) : m.Subsets is not null ? PerSubset(m) : [m]).ToList();
        var groups = methods.Select(m => m.SeedGroup).Concat(methods.Select(m => m.SubsetGroup)).OfType<string>().Distinct();
        var labels = methods.Select(m => m.Label).Concat(groups);
        var twice = labels.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new UsageException($"{file}: two methods are both labelled '{twice.Key}'; give one a \"label\" or different options");
        for (int i = 0; i < methods.Count; i++)
            foreach (var member in methods[i].Of ?? [])
                if (!methods.Take(i).Any(m => m.Label == member && m.Name != UnionDirections.Name))
                    throw new UsageException($"{file}: method {methods[i].Label}: \"{UnionDirections.OfField}\" names '{member}', which is not a method listed before it (earlier: {string.Join(", ", methods.Take(i).Select(m => m.Label).DefaultIfEmpty("none"))})");
        return methods;
    }
}
