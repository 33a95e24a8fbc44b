using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Harness.Cli;

/// Builds the verbs' options. Values are checked as they are parsed, with messages that name the
/// option (`--rank must be between 1 and 768, got 0`; the command line puts the verb in front):
/// System.CommandLine's own conversion errors name the .NET type instead. Numbers are read in the
/// invariant culture, whatever the machine's. A default given here is shown by the generated help.
internal static class TypedOption
{
    /// One text value, such as a path.
    public static Option<string> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { HelpName = helpName, Description = description, Required = required };

    /// Several text values: the option repeated (`--text a --text b`) or several values after it
    /// (`--text a b`), in the order given.
    public static Option<string[]> Texts(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description, AllowMultipleArgumentsPerToken = true };

    /// On when given (`--force`); takes no value.
    public static Option<bool> Switch(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// An integer in [min, max]. Without a default the verb asks whether it was given.
    public static Option<int> Integer(string name, string helpName, string description, int? @default = null,
        int min = int.MinValue, int max = int.MaxValue)
    {
        var option = new Option<int>(name)
        {
            HelpName = helpName,
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                    return Fail(result, $"{name} must be an integer, got '{text}'", 0);
                if (value < min || value > max)
                    return Fail(result, max == int.MaxValue ? $"{name} must be at least {min}, got {value}"
                        : min == int.MinValue ? $"{name} must be at most {max}, got {value}"
                        : $"{name} must be between {min} and {max}, got {value}", 0);
                return value;
            },
        };
        if (@default is { } d) option.DefaultValueFactory = _ => d;
        return option;
    }

    /// A finite real number.
    public static Option<double> Number(string name, string helpName, string description, double @default) =>
        new(name)
        {
            HelpName = helpName,
            Description = description,
            DefaultValueFactory = _ => @default,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                    ? value : Fail(result, $"{name} must be a finite number, got '{text}'", 0.0);
            },
        };

    /// One of a few words (`--device cpu|cuda`); the help shows them.
    public static Option<string> Choice(string name, string description, string @default, params string[] choices) =>
        new(name)
        {
            HelpName = string.Join("|", choices),
            Description = description,
            DefaultValueFactory = _ => @default,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                return choices.Contains(text, StringComparer.Ordinal)
                    ? text : Fail(result, $"{name} must be one of {string.Join(", ", choices)}, got '{text}'", "");
            },
        };

    private static T Fail<T>(ArgumentResult result, string message, T placeholder)
    {
        result.AddError(message);
        return placeholder;
    }
}
