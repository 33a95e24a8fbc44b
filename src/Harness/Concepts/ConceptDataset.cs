namespace Harness.Concepts;

/// A dataset folder (`experiments/datasets/<name>/`): its `dataset.json` (description and label set)
/// and, loaded on demand, the labelled sentences, the bias prompts and the control text it holds.
/// Every record is checked against the folder's label set.
public sealed class ConceptDataset
{
    public string Name { get; }
    public string Directory { get; }
    public DatasetManifest Manifest { get; }
    public IReadOnlyList<string> Labels => Manifest.Labels;

    private ConceptDataset(string directory, DatasetManifest manifest)
    {
        Directory = directory;
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        Manifest = manifest;
    }

    public static ConceptDataset Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new HarnessException($"{directory}: no such dataset folder");
        var manifest = Path.Combine(directory, DatasetFiles.Manifest);
        if (!File.Exists(manifest))
            throw new HarnessException($"{manifest}: no such file (a dataset folder needs a {DatasetFiles.Manifest} with its labels)");
        return new ConceptDataset(directory, JsonLinesReader.ReadManifest(manifest));
    }

    public bool HasSentences(Split split) => File.Exists(PathOf(DatasetFiles.Sentences(split)));
    public bool HasPrompts(Split split) => File.Exists(PathOf(DatasetFiles.Prompts(split)));
    public bool HasText => File.Exists(PathOf(DatasetFiles.Text));

    public IReadOnlyList<LabelledSentence> Sentences(Split split) =>
        JsonLinesReader.ReadSentences(PathOf(DatasetFiles.Sentences(split)), Manifest.Labels);

    public IReadOnlyList<BiasPrompt> Prompts(Split split) =>
        JsonLinesReader.ReadPrompts(PathOf(DatasetFiles.Prompts(split)), Manifest.Labels);

    public IReadOnlyList<TextRecord> Text() => JsonLinesReader.ReadTexts(PathOf(DatasetFiles.Text));

    private string PathOf(string file) => Path.Combine(Directory, file);
}
