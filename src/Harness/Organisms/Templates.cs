namespace Harness.Organisms;

/// Every template, and the held-out partition in one place: the corpus and the train splits draw only
/// from `Training`, the test splits only from `TestOnly`.
public static class Templates
{
    public static IReadOnlyList<Template> All { get; } =
        GenderTemplates.All.Concat(PoliticsTemplates.All).Concat(ControlTemplates.All).ToList();

    public static IReadOnlyList<Template> Training { get; } = All.Where(t => t.Split == TemplateSplit.Train).ToList();

    public static IReadOnlyList<Template> TestOnly { get; } = All.Where(t => t.Split == TemplateSplit.Test).ToList();

    /// What a split of a dataset may use: train split -> training templates, test split -> test-only
    /// ones; in both, only self-contained templates free of correlated features (Template.InDatasets).
    public static IReadOnlyList<Template> ForDataset(Concept concept, TemplateSplit split) =>
        All.Where(t => t.Concept == concept && t.Split == split && t.InDatasets).ToList();

    /// What the corpus may use for a concept: every training template.
    public static IReadOnlyList<Template> ForCorpus(Concept concept) =>
        Training.Where(t => t.Concept == concept).ToList();
}
