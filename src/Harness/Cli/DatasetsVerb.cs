using System.CommandLine;
using Harness.Organisms;

namespace Harness.Cli;

/// `harness datasets --out DIR`: writes the concept datasets (gender, politics, controls, unrelated) that
/// the organisms are measured on, generated from the corpus templates.
public sealed class DatasetsVerb : Verb
{
    private readonly Option<string> _out;
    private readonly Option<bool> _force;
    private readonly Option<int> _seed;

    public DatasetsVerb() : base("datasets", "write the concept datasets generated from the organism corpus templates")
    {
        _out = Add(TypedOption.Text("--out", "DIR", "folder to write <name>/dataset.json and <name>/*.jsonl into (e.g. experiments/datasets)", required: true));
        _force = Add(TypedOption.Switch("--force", "replace those files where they exist (other files in DIR are never touched)"));
        _seed = Add(TypedOption.Integer("--seed", "N", "seed of the generator (the default is the one the committed datasets use)", new CorpusOptions().Seed));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var outDir = args.Value(_out);
        bool force = args.Get(_force);
        var options = new CorpusOptions { Seed = args.Get(_seed) };
        var files = DatasetWriter.Generate(options);
        OutputFile.CheckFolder("--out", outDir, force, files.Select(f => DatasetWriter.PathOf("", f)), []);
        var written = DatasetWriter.WriteAll(outDir, files);
        foreach (var path in written) stdout.WriteLine($"wrote {path}");
        return 0;
    }
}
