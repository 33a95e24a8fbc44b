namespace Harness.Cli;

/// Parsed `--name value` options of one verb. Options are read with the typed getters; once a verb
/// has read what it understands it calls RejectUnknown(), so a misspelt option is an error rather
/// than silently ignored. An option followed by several values (`--text a b c`) keeps them all.
/// Arguments before the first option are positional (`run experiments/swap.json`): a verb reads
/// them with Positional(), and RejectUnknown() refuses any it did not read.
/// Every error here is a UsageException (exit 2).
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = new();
    private int _positionalsRead;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _verb;

    /// `commandLine`: the whole command line as given (verb first), for records of what was run;
    /// the verb and `args` when not given.
    public Arguments(string verb, IReadOnlyList<string> args, IReadOnlyList<string>? commandLine = null)
    {
        _verb = verb;
        CommandLine = commandLine ?? [verb, .. args];
        string? current = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 && !IsNegativeNumber(arg))
            {
                current = arg[2..];
                var eq = current.IndexOf('=');
                if (eq > 0)
                {
                    Add(current[..eq], current[(eq + 1)..]);
                    current = null;
                    continue;
                }
                if (_values.ContainsKey(current))
                    throw new UsageException($"{verb}: option --{current} is given twice");
                _values[current] = new List<string>();
            }
            else if (current is null)
            {
                if (_values.Count > 0)
                    throw new UsageException($"{verb}: unexpected argument '{arg}' (options look like --name value)");
                _positionals.Add(arg);
            }
            else
                _values[current].Add(arg);
        }
    }

    /// The command line as given, verb first.
    public IReadOnlyList<string> CommandLine { get; }

    private static bool IsNegativeNumber(string arg) => arg.Length > 1 && arg[0] == '-' && double.TryParse(arg, out _);

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list)) _values[name] = list = new List<string>();
        list.Add(value);
    }

    public bool Has(string name) { _read.Add(name); return _values.ContainsKey(name); }

    public bool Flag(string name)
    {
        if (!Has(name)) return false;
        if (_values[name].Count > 0)
            throw new UsageException($"{_verb}: --{name} is a switch and takes no value (got '{_values[name][0]}')");
        return true;
    }

    public string? Optional(string name)
    {
        if (!Has(name)) return null;
        var v = _values[name];
        if (v.Count != 1) throw new UsageException($"{_verb}: --{name} needs exactly one value, got {v.Count}");
        return v[0];
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"{_verb}: missing required option --{name}");

    public IReadOnlyList<string> Many(string name)
    {
        if (!Has(name)) return Array.Empty<string>();
        var v = _values[name];
        if (v.Count == 0) throw new UsageException($"{_verb}: --{name} needs at least one value");
        return v;
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Optional(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{_verb}: --{name} must be an integer, got '{s}'");
        if (v < min || v > max)
            throw new UsageException($"{_verb}: --{name} must be between {min} and {max}, got {v}");
        return v;
    }

    public double Double(string name, double fallback)
    {
        var s = Optional(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"{_verb}: --{name} must be a finite number, got '{s}'");
        return v;
    }

    /// A value from a fixed set of choices, e.g. --device cpu|cuda.
    public string Choice(string name, string fallback, params string[] choices)
    {
        var s = Optional(name) ?? fallback;
        if (!choices.Contains(s, StringComparer.Ordinal))
            throw new UsageException($"{_verb}: --{name} must be one of {string.Join(", ", choices)}, got '{s}'");
        return s;
    }

    /// The positional argument at `index` (before any option), or null when there is none.
    public string? Positional(int index)
    {
        _positionalsRead = Math.Max(_positionalsRead, index + 1);
        return index < _positionals.Count ? _positionals[index] : null;
    }

    /// Fails on any option that the verb did not read: a typo must not be ignored.
    public void RejectUnknown()
    {
        if (_positionals.Count > _positionalsRead)
            throw new UsageException($"{_verb}: unexpected argument '{_positionals[_positionalsRead]}' (options look like --name value)");
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"{_verb}: unknown option --{unknown[0]} (see `harness {_verb} --help`)");
    }
}
