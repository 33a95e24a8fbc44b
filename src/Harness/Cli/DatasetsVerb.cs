using Harness.Organisms;

namespace Harness.Cli;

/// `harness datasets --out DIR`: writes the concept datasets (gender, politics, controls, unrelated) that
/// the organisms are measured on, generated from the corpus templates.
public sealed class DatasetsVerb : IVerb
{
    public string Name => "datasets";
    public string Summary => "write the concept datasets generated from the organism corpus templates";
    public string Help => """
        usage: harness datasets --out DIR [--force] [--seed N]
          --out DIR    folder to write <name>/dataset.json and <name>/*.jsonl into (e.g. experiments/datasets)
          --force      replace those files where they exist (other files in DIR are never touched)
          --seed N     seed of the generator (default: the one the committed datasets use)
        """;

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var outDir = args.Required("out");
        bool force = args.Flag("force");
        var options = new CorpusOptions { Seed = args.Int("seed", new CorpusOptions().Seed) };
        args.RejectUnknown();
        var files = DatasetWriter.Generate(options);
        OutputFile.CheckFolder("--out", outDir, force, files.Select(f => DatasetWriter.PathOf("", f)), []);
        var written = DatasetWriter.WriteAll(outDir, files);
        foreach (var path in written) stdout.WriteLine($"wrote {path}");
        return 0;
    }
}
