using System.Text.Json;
using Harness.Concepts;

namespace Harness.Experiments;

/// What an experiment measures on: `"evaluate": ["gender", "controls"]`, or
/// `{"datasets": ["gender", "controls"], "splits": ["test", "train"], "max_prompts": 100,
/// "max_texts": 32}`. Prompt metrics use each dataset's prompts of each split (test by default);
/// text metrics use its text.jsonl when it has one. max_prompts / max_texts keep the first so many
/// (in file order) to bound the run time; by default every prompt and at most 16 texts
/// (max_texts 0: no text metrics). `"confidence_bins": 3` adds rows per third of each prompt set's
/// pairs ranked by the unedited model's confidence (ConfidenceBins), labelled confidence=1 to 3.
public sealed record EvaluateSpec(IReadOnlyList<string> Datasets, IReadOnlyList<Split> Splits, int? MaxPrompts, int MaxTexts)
{
    /// Bins of the unedited model's confidence per prompt set, or null for none.
    public int? ConfidenceBins { get; init; }

    public const int DefaultMaxTexts = 16;

    internal static EvaluateSpec Parse(SpecObject spec, string conceptDataset)
    {
        if (!spec.Has("evaluate")) return new EvaluateSpec([conceptDataset], [Split.Test], null, DefaultMaxTexts);
        var e = spec.Require("evaluate");
        if (e.ValueKind is JsonValueKind.Array or JsonValueKind.String)
            return new EvaluateSpec(spec.StringList("evaluate"), [Split.Test], null, DefaultMaxTexts);
        var o = spec.Object("evaluate", ["datasets", "splits", "max_prompts", "max_texts", "confidence_bins"]);
        var datasets = o.StringList("datasets");
        var splits = new List<Split>();
        if (o.Has("splits"))
        {
            foreach (var s in o.StringList("splits"))
                splits.Add(s switch
                {
                    "test" => Split.Test,
                    "train" => Split.Train,
                    _ => throw o.Error($"evaluate.splits may hold \"test\" and \"train\", got \"{s}\""),
                });
        }
        else splits.Add(Split.Test);
        return new EvaluateSpec(datasets, splits, o.OptionalInt("max_prompts", min: 1), o.Int("max_texts", DefaultMaxTexts, min: 0))
        {
            ConfidenceBins = o.OptionalInt("confidence_bins", min: 2, max: 10),
        };
    }
}
