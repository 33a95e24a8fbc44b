namespace Harness.Cli;

/// Entry point of the `harness` command line: picks the verb, handles --help, and turns a
/// HarnessException into one line on stderr and a non-zero exit code.
public static class CommandLine
{
    /// Every verb, in the order `harness --help` lists them.
    public static IReadOnlyList<IVerb> Verbs { get; } = new IVerb[]
    {
        new LogitsVerb(),
        new GenerateVerb(),
        new ActivationsVerb(),
        new FitVerb(),
        new EraseVerb(),
        new RunVerb(),
        new TrainOrganismVerb(),
        new CorpusVerb(),
        new DatasetsVerb(),
        new BenchVerb(),
        new BenchErasureVerb(),
    };

    public const int ExitBadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine("harness: a concept-erasure harness for GPT-2 / GPT-Neo models.");
            stdout.WriteLine("usage: harness <verb> [options]   (harness <verb> --help for its options)");
            stdout.WriteLine();
            foreach (var v in Verbs) stdout.WriteLine($"  {v.Name,-16}{v.Summary}");
            return args.Length == 0 ? ExitBadInput : 0;
        }
        var verb = Verbs.FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            stderr.WriteLine($"error: unknown verb '{args[0]}' (known: {string.Join(", ", Verbs.Select(v => v.Name))})");
            return ExitBadInput;
        }
        var rest = args.Skip(1).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stdout.WriteLine(verb.Help.TrimEnd());
            return 0;
        }
        try
        {
            return verb.Run(new Arguments(verb.Name, rest), stdout, stderr);
        }
        catch (HarnessException e)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return ExitBadInput;
        }
    }

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
