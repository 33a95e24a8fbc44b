using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using System.Runtime.InteropServices;
using Harness.IO;

namespace Harness.Cli;

/// Entry point of the `harness` command line: picks the verb, parses its options with
/// System.CommandLine, handles --help and --version, runs the verb and reports how it ended: exit 0;
/// 2 for a usage error; 1 for a runtime failure (HarnessException, out of memory, any unexpected
/// exception), always as one line `error: ...` on stderr, with the full exception after it only
/// when HARNESS_DEBUG=1; 130 when interrupted by Ctrl-C, after removing what the invocation had
/// created (IO.CreatedPaths). See HarnessException for the 1-or-2 rule. System.CommandLine only
/// parses (and prints a verb's help): the verb runs here, inside this class's own exception and
/// Ctrl-C handling, not as a System.CommandLine action.
public static class CommandLine
{
    /// Every verb, in the order `harness --help` lists them.
    public static IReadOnlyList<Verb> Verbs { get; } = Create();

    /// New verbs, each with its command tree. Run parses with a tree of its own: the tests run the
    /// command line on several threads at once, and System.CommandLine does not promise that one
    /// tree can serve concurrent parses.
    private static Verb[] Create() =>
    [
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
    ];

    public const int ExitFailure = 1;
    public const int ExitUsage = 2;
    /// 128 + SIGINT, what shells report for a program stopped by Ctrl-C.
    public const int ExitInterrupted = 130;

    public const string DebugVariable = "HARNESS_DEBUG";

    /// The process entry point: Run, with Ctrl-C turned into Interruption (a second Ctrl-C exits at once).
    public static int RunConsole(string[] args)
    {
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        return Run(args, Console.Out, Console.Error);
    }

    private static void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true; // no default termination: the verb stops at its next check
        if (Interruption.Requested)
        {
            CreatedPaths.RemoveAll();
            Console.Error.WriteLine("error: interrupted again; stopped at once");
            Environment.Exit(ExitInterrupted);
        }
        Console.Error.WriteLine("harness: interrupted; stopping at the next step (Ctrl-C again to stop at once)");
        Interruption.Request();
    }

    /// The harness's informational version (e.g. "1.0.0+<commit>"), what `harness --version` prints.
    public static string Version { get; } =
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine("harness: a concept-erasure harness for GPT-2 / GPT-Neo models.");
            stdout.WriteLine("usage: harness <verb> [options]   (harness <verb> --help for its options; harness --version)");
            stdout.WriteLine();
            foreach (var v in Verbs) stdout.WriteLine($"  {v.Name,-16}{v.Summary}");
            stdout.WriteLine();
            stdout.WriteLine($"Exit codes: 0 done, 1 runtime failure, 2 usage error, 130 interrupted. {DebugVariable}=1 adds the stack trace to an error.");
            return args.Length == 0 ? ExitUsage : 0;
        }
        if (args[0] == "--version")
        {
            if (args.Length > 1) return Report(new UsageException($"--version takes no arguments, got '{args[1]}'"), stderr, debug: false);
            stdout.WriteLine(Version);
            return 0;
        }
        var verb = Create().FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            stderr.WriteLine($"error: unknown verb '{args[0]}' (known: {string.Join(", ", Verbs.Select(v => v.Name))})");
            return ExitUsage;
        }
        var parse = new Command("harness") { verb.Command, new HelpOption() }.Parse(args);
        if (parse.Action is HelpAction)
        {
            // The generated help; no exception handler or Ctrl-C handling of System.CommandLine's.
            parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            if (verb.HelpEpilogue is { } epilogue) stdout.Write(epilogue);
            return 0;
        }
        CreatedPaths.Forget();
        try
        {
            int code = verb.Run(VerbArguments.From(verb.Name, parse, args), stdout, stderr);
            // Ctrl-C after the last check (during the final writes): still an interruption.
            return Interruption.Requested ? Interrupted(stderr) : code;
        }
        catch (Exception e)
        {
            if (Interruption.Requested) return Interrupted(stderr, e);
            return Report(e, stderr, Environment.GetEnvironmentVariable(DebugVariable) == "1");
        }
        finally
        {
            CreatedPaths.Forget();
        }
    }

    /// Prints the one-line error for `e` (and, with `debug`, the whole exception) and returns the exit code.
    internal static int Report(Exception e, TextWriter stderr, bool debug)
    {
        var (code, message) = Failure.Describe(e);
        stderr.WriteLine($"error: {message}");
        if (debug) stderr.WriteLine(e.ToString());
        return code;
    }

    private static int Interrupted(TextWriter stderr, Exception? e = null)
    {
        int removed = CreatedPaths.RemoveAll();
        stderr.WriteLine($"error: interrupted{(removed > 0 ? $"; removed the {removed} file(s) and folder(s) this run had created" : "")}");
        if (e is not null && Environment.GetEnvironmentVariable(DebugVariable) == "1") stderr.WriteLine(e.ToString());
        return ExitInterrupted;
    }
}
