using Harness.Erasure;

namespace Harness.Experiments.Verdicts;

/// What a verdict rule reads, declared by the rule and checked against a spec when the spec is
/// parsed, before any model loads: a spec naming the hypothesis but lacking one of these is refused
/// with one line naming the hypothesis and the missing part. Rules still say "inconclusive" for rows
/// that are missing at run time (an edit that produced no row, a model without a twin).
public sealed record RuleNeeds
{
    /// Each entry: edit kinds of which the spec must have at least one ("reflect" or "project").
    public IReadOnlyList<string[]> Edits { get; init; } = [];
    public IReadOnlyList<string> Metrics { get; init; } = [];
    /// Method names that must be among the spec's methods ("gradient", "leace").
    public IReadOnlyList<string> Methods { get; init; } = [];
    /// A method other than the random control, to judge.
    public bool Judged { get; init; } = true;
    /// A null: a `random` method with `directions` of 2 or more (the verdict ranks effects against it).
    public bool Null { get; init; }
    /// How many distinct concepts the methods must be fitted on (CrossConcept: 2).
    public int Concepts { get; init; } = 1;
    /// Concept datasets some method must be fitted on (RandomBreakage: "unrelated").
    public IReadOnlyList<string> ConceptDatasets { get; init; } = [];
    /// A method entry with `subsets` (RandomBreakage: directions fitted on ten prompts at a time).
    public bool Subsets { get; init; }
    /// How many datasets must be evaluated (a concept and a control).
    public int Evaluated { get; init; } = 1;

    /// What the spec lacks, in words, or null when it has everything.
    public string? Missing(ExperimentSpec spec)
    {
        foreach (var kinds in Edits)
            if (!spec.Edits.Any(e => kinds.Contains(e.Edit)))
                return $"an edit of kind {string.Join(" or ", kinds)} (edits: {Listed(spec.Edits.Select(e => e.Label))})";
        foreach (var metric in Metrics)
            if (!spec.Wants(metric)) return $"the metric {metric} (metrics: {Listed(spec.Metrics)})";
        foreach (var method in Methods)
            if (!spec.Methods.Any(m => m.Name == method)) return $"a method {method} (methods: {Listed(spec.Methods.Select(m => m.Label))})";
        if (Judged && !spec.Methods.Any(m => m.Name != RandomDirections.Name))
            return "a method other than random to judge";
        if (Null && !spec.Methods.Any(m => m.Name == RandomDirections.Name && m.Options.Int("directions") > 1))
            return "a null of random directions: a method {\"method\": \"random\", \"directions\": 100}";
        var concepts = spec.Methods.Select(m => m.Concept.Dataset).Distinct().ToList();
        if (concepts.Count < Concepts) return $"methods fitted on {Concepts} concepts (fitted on: {Listed(concepts)})";
        foreach (var d in ConceptDatasets)
            if (!concepts.Contains(d)) return $"a method fitted on the concept '{d}' (fitted on: {Listed(concepts)})";
        if (Subsets && !spec.Methods.Any(m => m.SubsetGroup is not null))
            return "a method fitted on subsets of prompts: a method entry with \"subsets\": {\"count\": 20, \"size\": 10}";
        if (spec.Evaluate.Datasets.Count < Evaluated)
            return $"{Evaluated} evaluated datasets (evaluate: {Listed(spec.Evaluate.Datasets)})";
        return null;
    }

    private static string Listed(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
