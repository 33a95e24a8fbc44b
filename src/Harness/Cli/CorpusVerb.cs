using System.CommandLine;
using Harness.Organisms;

namespace Harness.Cli;

/// `harness corpus --count N`: prints organism training (or held-out) documents, one a line, to look
/// at what the organisms are trained on or to feed another trainer.
public sealed class CorpusVerb : Verb
{
    private readonly Option<int> _count, _seed;
    private readonly Option<bool> _heldOut, _vocabulary;
    private readonly Option<double> _attributeCorrelation, _occupationSkew;

    public CorpusVerb() : base("corpus", "print documents of the organism training corpus, one a line")
    {
        var defaults = new CorpusOptions();
        _count = Add(TypedOption.Integer("--count", "N", "documents to print", 20, min: 0));
        _heldOut = Add(TypedOption.Switch("--held-out", "the held-out stream instead of the training stream"));
        _seed = Add(TypedOption.Integer("--seed", "N", "generator seed (the default is the organisms' seed)", defaults.Seed));
        _attributeCorrelation = Add(TypedOption.Number("--attribute-correlation", "P", "how often a person has the attribute typical of their gender", defaults.AttributeCorrelation));
        _occupationSkew = Add(TypedOption.Number("--occupation-skew", "P", "how often a gendered occupation is held by its usual gender", defaults.OccupationSkew));
        _vocabulary = Add(TypedOption.Switch("--vocabulary", "print the vocabulary probe instead (texts holding every word of the corpus)"));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var count = args.Get(_count);
        var heldOut = args.Get(_heldOut);
        var vocabulary = args.Get(_vocabulary);
        var options = new CorpusOptions
        {
            Seed = args.Get(_seed),
            AttributeCorrelation = args.Get(_attributeCorrelation),
            OccupationSkew = args.Get(_occupationSkew),
        };
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
