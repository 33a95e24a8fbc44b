namespace Harness.Concepts;

/// `dataset.json` of a dataset folder: what the dataset is, and the label set every record's label
/// must belong to (so that a typo such as "femal" is an error instead of a third class).
/// On disk: `{"description": "...", "labels": ["female", "male"]}`.
public sealed record DatasetManifest(string Description, IReadOnlyList<string> Labels);
