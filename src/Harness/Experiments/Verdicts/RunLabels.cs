namespace Harness.Experiments.Verdicts;

/// What a method label of the rows stands for: its method (the registry name, "rlace") and the
/// concept dataset it was fitted on ("politics" for "rlace@politics"); for a method fitted on a
/// subset of its concept's prompts, the subset and the entry's label.
public sealed record MethodLabel(string Name, string Concept, int? Subset = null, string? SubsetGroup = null)
{
    /// The method entry's options as the spec set them, defaults filled in ("kind": "coordinates").
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// For a method fitted on the prompts of one cue ("cue": "hair"), that cue.
    public string? Cue { get; init; }

    /// For a union, its members' labels.
    public IReadOnlyList<string>? Of { get; init; }
}

/// What the rows' labels stand for, taken from the spec that produced them: every method label
/// (each seed's and the seed aggregate's, each subset's and the subsets' aggregate's) with its method and concept, and every edit label with its
/// kind ("project(centre=median)" -> "project"). The verdict rules look labels up here: labels are
/// strings for files and tables, never parsed back.
public sealed record RunLabels(IReadOnlyDictionary<string, MethodLabel> Methods, IReadOnlyDictionary<string, string> EditKinds)
{
    /// Each direction edit's strength s of v' = v - s (v - m) D^T D (project 1, reflect 2, amplify -1,
    /// scale as given), by label.
    public IReadOnlyDictionary<string, double> EditStrengths { get; init; } = new Dictionary<string, double>();

    /// Each affine edit's centre, by label.
    public IReadOnlyDictionary<string, Edits.CentreKind> EditCentres { get; init; } = new Dictionary<string, Edits.CentreKind>();

    public static RunLabels Of(ExperimentSpec spec)
    {
        var methods = new Dictionary<string, MethodLabel>(StringComparer.Ordinal);
        foreach (var m in spec.Methods)
        {
            var label = new MethodLabel(m.Name, m.Concept.Dataset, m.Subset, m.SubsetGroup) { Options = m.Options.Values, Cue = m.Concept.Cue, Of = m.Of };
            methods[m.Label] = label;
            if (m.SeedGroup is not null) methods[m.SeedGroup] = label;
            if (m.SubsetGroup is not null) methods[m.SubsetGroup] = new MethodLabel(m.Name, m.Concept.Dataset);
        }
        var edits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in spec.Edits) edits[e.Label] = e.Edit;
        var strengths = spec.Edits.Where(e => e.EffectiveStrength is not null).ToDictionary(e => e.Label, e => e.EffectiveStrength!.Value, StringComparer.Ordinal);
        var centres = spec.Edits.Where(e => e.EffectiveStrength is not null).ToDictionary(e => e.Label, e => e.Centre, StringComparer.Ordinal);
        return new RunLabels(methods, edits) { EditStrengths = strengths, EditCentres = centres };
    }

    /// The method behind a label, or null for "none" and unknown labels.
    public MethodLabel? Method(string label) => Methods.GetValueOrDefault(label);

    /// The entries expanded into subsets: each entry's label with its members' labels, by subset.
    public IReadOnlyList<(string Group, IReadOnlyList<string> Members)> SubsetGroups =>
        Methods.Where(m => m.Value.SubsetGroup is not null).GroupBy(m => m.Value.SubsetGroup!)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.OrderBy(m => m.Value.Subset).Select(m => m.Key).ToList())).ToList();

    /// Whether the label is a method of this name ("rlace", "random").
    public bool Is(string label, string name) => Method(label)?.Name == name;

    /// Whether the label is an edit of this kind ("project").
    public bool IsKind(string edit, string kind) => EditKinds.GetValueOrDefault(edit) == kind;
}
