using System.CommandLine;
using System.CommandLine.Parsing;

namespace Harness.Cli;

/// The command line of one verb, parsed by System.CommandLine against the options the verb
/// declared; the verb reads its values with Get / Value / Given. Made only from a parse without
/// errors: From turns the first error into the one-line UsageException the command line prints.
public sealed class VerbArguments
{
    private readonly ParseResult _parse;

    private VerbArguments(ParseResult parse, IReadOnlyList<string> commandLine)
    {
        _parse = parse;
        CommandLine = commandLine;
    }

    /// The command line as given, verb first (a response file not expanded), for records of what was run.
    public IReadOnlyList<string> CommandLine { get; }

    /// The option's value; its default when not given (false for a switch, 0 for a number without
    /// a default, null for a text without one).
    public T? Get<T>(Option<T> option) => _parse.GetValue(option);

    /// The value of an option that always has one (Required, or with a default) or of an argument.
    public T Value<T>(Option<T> option) => _parse.GetValue(option) ?? throw new InvalidOperationException($"{option.Name} has no value");

    public T Value<T>(Argument<T> argument) => _parse.GetValue(argument) ?? throw new InvalidOperationException($"{argument.Name} has no value");

    /// Whether the option is on the command line (not merely at its default).
    public bool Given(Option option) => _parse.GetResult(option) is { Implicit: false };

    /// The verb's arguments, or a UsageException naming the verb and the first thing wrong.
    public static VerbArguments From(string verb, ParseResult parse, IReadOnlyList<string> commandLine) =>
        FirstError(verb, parse) is { } error ? throw new UsageException($"{verb}: {error}") : new(parse, commandLine);

    private static string? FirstError(string verb, ParseResult parse)
    {
        // System.CommandLine takes a word it does not know, `--rnak` too, as a value or a positional
        // argument; so, as the old parser did, every word before `--` that starts with `--` is an
        // option, and one that is not known is a typo (a value cannot start with `--`).
        foreach (var token in parse.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash))
            if (token.Type == TokenType.Argument && token.Value.Length > 2 && token.Value.StartsWith("--", StringComparison.Ordinal))
                return $"unknown option {token.Value.Split('=')[0]} (see `harness {verb} --help`)";
        // Its own errors (a missing or repeated option, a stray argument) and those of TypedOption,
        // one line each; the first is enough to fix.
        return parse.Errors.Count == 0 ? null : parse.Errors[0].Message.Split('\n')[0].TrimEnd();
    }
}
