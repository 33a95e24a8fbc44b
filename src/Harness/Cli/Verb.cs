using System.CommandLine;

namespace Harness.Cli;

/// One command-line verb (`logits`, `fit`, `run`, ...). Each verb lives in its own file, declares
/// its options and arguments once, in its constructor, as System.CommandLine symbols of Command (the
/// generated `--help` comes from them), and is listed once in CommandLine.Create.
public abstract class Verb
{
    /// `description`: what `harness <verb> --help` says before the options; the summary when null.
    protected Verb(string name, string summary, string? description = null)
    {
        Summary = summary;
        Command = new Command(name, description ?? summary);
    }

    public string Name => Command.Name;

    /// One line for the verb list.
    public string Summary { get; }

    public Command Command { get; }

    /// Printed after the generated help, for what the options alone do not say (e.g. `fit`'s methods).
    public virtual string? HelpEpilogue => null;

    protected Option<T> Add<T>(Option<T> option)
    {
        Command.Options.Add(option);
        return option;
    }

    protected Argument<T> Add<T>(Argument<T> argument)
    {
        Command.Arguments.Add(argument);
        return argument;
    }

    /// Runs the verb on its parsed command line. Throws UsageException for a wrong command line,
    /// HarnessException for a runtime failure (see HarnessException for the rule); returns the exit
    /// code otherwise.
    public abstract int Run(VerbArguments args, TextWriter stdout, TextWriter stderr);
}
