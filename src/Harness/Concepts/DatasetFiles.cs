namespace Harness.Concepts;

/// Which half of a dataset: `Train` is for fitting (directions, probes), `Test` for measuring. The two
/// never share a sentence template, so a measured effect is not an effect on memorised strings.
public enum Split { Train, Test }

/// File names inside a dataset folder (`experiments/datasets/<name>/`).
public static class DatasetFiles
{
    public const string Manifest = "dataset.json";
    public const string Text = "text.jsonl";

    public static string Sentences(Split split) => $"sentences.{SplitName(split)}.jsonl";
    public static string Prompts(Split split) => $"prompts.{SplitName(split)}.jsonl";

    public static string SplitName(Split split) => split switch
    {
        Split.Train => "train",
        Split.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };
}
