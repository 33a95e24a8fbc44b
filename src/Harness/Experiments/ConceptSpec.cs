namespace Harness.Experiments;

/// The concept a direction is fitted on: `{"dataset": "gender", "positions": "all", "source":
/// "sentences"}`. The activations are those of the dataset's training split at the site: of its
/// labelled sentences (`sentences.train.jsonl`, the default source) or of its prompts
/// (`prompts.train.jsonl`, for datasets such as `unrelated` that have no sentences); at every token of
/// each text with the text's label repeated ("all", the default, as the discussion did) or at the
/// last token ("last"). The labels are the dataset's labels, in the order dataset.json lists them.
/// With prompts, `"cue": "hair"` keeps only the prompts whose `cue` field is that value (a direction
/// for one correlated feature of gender-attributes), in both splits.
public sealed record ConceptSpec(string Dataset, Positions Positions, ConceptSource Source, string? Cue = null)
{
    public static readonly string[] Fields = ["dataset", "positions", "source", "cue"];

    internal static ConceptSpec Parse(SpecObject o)
    {
        var dataset = o.String("dataset");
        var positionsText = o.OptionalString("positions") ?? "all";
        var positions = PositionsNames.Parse(positionsText)
            ?? throw o.Error($"{o.Qualified("positions")} must be \"all\" or \"last\", got \"{positionsText}\"");
        var sourceText = o.OptionalString("source") ?? "sentences";
        var source = sourceText switch
        {
            "sentences" => ConceptSource.Sentences,
            "prompts" => ConceptSource.Prompts,
            _ => throw o.Error($"{o.Qualified("source")} must be \"sentences\" or \"prompts\", got \"{sourceText}\""),
        };
        var cue = o.OptionalString("cue");
        if (cue is not null && source != ConceptSource.Prompts)
            throw o.Error($"{o.Qualified("cue")} selects prompts by their cue field: it needs \"source\": \"prompts\"");
        return new ConceptSpec(dataset, positions, source, cue);
    }
}

/// Which texts of a concept dataset the directions are fitted on.
public enum ConceptSource
{
    /// sentences.train.jsonl (and sentences.test.jsonl for probe_accuracy).
    Sentences,
    /// prompts.train.jsonl (and prompts.test.jsonl for probe_accuracy).
    Prompts,
}
