using Harness.Organisms;

namespace Harness.Cli;

/// `harness corpus --count N`: prints organism training (or held-out) documents, one a line, to look
/// at what the organisms are trained on or to feed another trainer.
public sealed class CorpusVerb : IVerb
{
    public string Name => "corpus";
    public string Summary => "print documents of the organism training corpus, one a line";
    public string Help => """
        usage: harness corpus [--count N] [--held-out] [--seed N] [--attribute-correlation P] [--occupation-skew P]
          --count N                    documents to print (default 20)
          --held-out                   the held-out stream instead of the training stream
          --seed N                     generator seed (default: the organisms' seed)
          --attribute-correlation P    how often a person has the attribute typical of their gender (default 0.8)
          --occupation-skew P          how often a gendered occupation is held by its usual gender (default 0.85)
          --vocabulary                 print the vocabulary probe instead (texts holding every word of the corpus)
        """;

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var defaults = new CorpusOptions();
        var count = args.Int("count", 20, min: 0);
        var heldOut = args.Flag("held-out");
        var vocabulary = args.Flag("vocabulary");
        var options = new CorpusOptions
        {
            Seed = args.Int("seed", defaults.Seed),
            AttributeCorrelation = args.Double("attribute-correlation", defaults.AttributeCorrelation),
            OccupationSkew = args.Double("occupation-skew", defaults.OccupationSkew),
        };
        args.RejectUnknown();
        if (vocabulary)
        {
            foreach (var text in CorpusGenerator.VocabularyProbe()) stdout.WriteLine(text);
            return 0;
        }
        var generator = new CorpusGenerator(options);
        foreach (var doc in heldOut ? generator.HeldOutDocuments(count) : generator.TrainingDocuments(count))
            stdout.WriteLine(doc);
        return 0;
    }
}
