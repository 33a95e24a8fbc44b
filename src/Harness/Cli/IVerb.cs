namespace Harness.Cli;

/// One command-line verb (`logits`, `fit`, `run`, ...). Each verb lives in its own file and is
/// listed once in CommandLine.Verbs.
public interface IVerb
{
    string Name { get; }
    /// One line for the verb list.
    string Summary { get; }
    /// The full `--help` text: usage line and one line per option.
    string Help { get; }
    /// Runs the verb. Throws UsageException for a wrong command line, HarnessException for a runtime
    /// failure (see HarnessException for the rule); returns the exit code otherwise.
    int Run(Arguments args, TextWriter stdout, TextWriter stderr);
}
