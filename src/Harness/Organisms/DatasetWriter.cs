using System.Globalization;
using Harness.Concepts;

namespace Harness.Organisms;

/// One file of the generated datasets: its path under the datasets folder ("gender/prompts.test.jsonl",
/// always with '/') and its exact content.
public sealed record GeneratedFile(string RelativePath, string Content);

/// Writes the concept datasets the organisms are measured on (`experiments/datasets/<name>/`):
/// gender and politics (labelled sentences and bias prompts, train and test), controls (prompts and
/// text) and unrelated (prompts with arbitrary labels, whose subsets of ten the random-breakage hypothesis fits directions to). The committed files are this output for the
/// default options; a test regenerates them and fails if they drifted.
public static class DatasetWriter
{
    public static IReadOnlyList<GeneratedFile> Generate(CorpusOptions options)
    {
        options.Validate();
        var files = new List<GeneratedFile>();
        var origin = Origin(options);

        files.Add(Manifest("gender", $"Gender: sentences and prompts about one person, labelled by that person's gender; each pair differs only in the gendered words. {origin}",
            ConceptLabels.Female, ConceptLabels.Male));
        files.AddRange(PairedFiles(options, "gender", Concept.Gender, DatasetBuilder.GenderSentencePairs, DatasetBuilder.GenderPromptPairs));
        files.Add(new($"gender/{DatasetFiles.Text}", JsonLinesWriter.Format(DatasetBuilder.GenderText(options, DatasetBuilder.GenderTextCount))));

        files.Add(Manifest("gender-attributes", $"Gender cued by one correlated feature only (no name, no gendered noun): an attribute (long hair / short hair, a dress / a beard, ...) or a gender-leaning occupation (nurse / mechanic), each typical of its gender 80 % of the time in the corpus; labelled by the gender the feature cues; each pair differs only in the feature's words and the answer. The field cue names the feature's kind (hair, dress, earrings, lipstick, skirt, handbag, heels, occupation). Prompts only. {origin}",
            ConceptLabels.Female, ConceptLabels.Male));
        foreach (var split in Splits)
            files.Add(new($"gender-attributes/{DatasetFiles.Prompts(Public(split))}", JsonLinesWriter.Format(CueDatasets.AttributePrompts(options, split))));

        files.Add(Manifest("gender-cues", $"Gender cued by 1, 2 or 3 correlated features that agree (the field cue: \"1\", \"2\", \"3\"), or by three of which one shows the other gender (cue \"conflict\"; the label and answer follow the other two); no name, no gendered noun. Prompts only. {origin}",
            ConceptLabels.Female, ConceptLabels.Male));
        foreach (var split in Splits)
            files.Add(new($"gender-cues/{DatasetFiles.Prompts(Public(split))}", JsonLinesWriter.Format(CueDatasets.CuePrompts(options, split))));

        files.Add(Manifest("politics", $"Politics: statements labelled by their stance; each pair differs only in the stance's words (policy, party, side, ideology). {origin}",
            ConceptLabels.Left, ConceptLabels.Right));
        files.AddRange(PairedFiles(options, "politics", Concept.Politics, DatasetBuilder.PoliticsSentencePairs, DatasetBuilder.PoliticsPromptPairs));

        files.Add(Manifest("politics-noperson", $"Politics without a person: statements whose only content is a stance (no name, gendered word, pronoun, attribute or occupation); each pair differs only in the stance's words. Prompts only. {origin}",
            ConceptLabels.Left, ConceptLabels.Right));
        foreach (var split in Splits)
            files.Add(new($"politics-noperson/{DatasetFiles.Prompts(Public(split))}",
                JsonLinesWriter.Format(DatasetBuilder.PoliticsNoPersonPrompts(options, split, DatasetBuilder.PoliticsNoPersonPromptPairs))));

        files.Add(Manifest("controls", $"Controls: prompts and text that carry neither gender nor politics, for collateral damage. {origin}",
            ConceptLabels.Control));
        foreach (var split in Splits)
            files.Add(new($"controls/{DatasetFiles.Prompts(Public(split))}",
                JsonLinesWriter.Format(DatasetBuilder.ControlPrompts(options, split, DatasetBuilder.ControlPromptCount))));
        files.Add(new($"controls/{DatasetFiles.Text}", JsonLinesWriter.Format(DatasetBuilder.ControlText(options, DatasetBuilder.ControlTextCount))));

        files.Add(Manifest("unrelated", $"Unrelated: prompts with a one-token right and wrong answer and neither gender nor politics (needs, counting, days, months, colours, weather, sums, differences, opposites, animals, legs, capitals, materials, properties), with arbitrary labels a / b (half each) that say nothing about the prompt. {origin}",
            "a", "b"));
        foreach (var split in Splits)
            files.Add(new($"unrelated/{DatasetFiles.Prompts(Public(split))}",
                JsonLinesWriter.Format(DatasetBuilder.UnrelatedPrompts(options, split, DatasetBuilder.UnrelatedPromptCount))));

        return files;
    }

    /// Writes every dataset file under `datasetsDir` (creating folders, overwriting files; each file
    /// atomically) and returns the paths written. Other files there (such as README.md) are left
    /// alone. The command line checks first that it may overwrite (DatasetsVerb).
    public static IReadOnlyList<string> WriteAll(string datasetsDir, CorpusOptions options) => WriteAll(datasetsDir, Generate(options));

    public static IReadOnlyList<string> WriteAll(string datasetsDir, IReadOnlyList<GeneratedFile> files)
    {
        var written = new List<string>();
        foreach (var file in files)
        {
            Interruption.ThrowIfRequested();
            var path = PathOf(datasetsDir, file);
            JsonLinesWriter.WriteFile(path, file.Content);
            written.Add(path);
        }
        return written;
    }

    /// Where `file` goes under `datasetsDir`.
    public static string PathOf(string datasetsDir, GeneratedFile file) =>
        Path.Combine(datasetsDir, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));

    /// The sentences and prompts of a paired concept, train then test.
    private static IEnumerable<GeneratedFile> PairedFiles(CorpusOptions options, string name, Concept concept, int sentencePairs, int promptPairs)
    {
        foreach (var split in Splits)
        {
            yield return new($"{name}/{DatasetFiles.Sentences(Public(split))}",
                JsonLinesWriter.Format(DatasetBuilder.Sentences(options, concept, split, sentencePairs)));
            yield return new($"{name}/{DatasetFiles.Prompts(Public(split))}",
                JsonLinesWriter.Format(DatasetBuilder.Prompts(options, concept, split, promptPairs)));
        }
    }

    private static readonly TemplateSplit[] Splits = [TemplateSplit.Train, TemplateSplit.Test];

    private static Split Public(TemplateSplit split) => split == TemplateSplit.Train ? Split.Train : Split.Test;

    private static GeneratedFile Manifest(string name, string description, params string[] labels) =>
        new($"{name}/{DatasetFiles.Manifest}", JsonLinesWriter.Format(new DatasetManifest(description, labels)));

    private static string Origin(CorpusOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"Generated by Harness.Organisms.DatasetWriter with seed {o.Seed}; train items use training templates only, test items test-only templates.");
}
