using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Harness.Erasure;
using Harness.IO;

namespace Harness.Cli;

/// `fit`: fits an erasure method on activations X and concept z, and saves the eraser.
public sealed class FitVerb : Verb
{
    private readonly Option<string> _method, _x, _z, _out;
    private readonly Option<bool> _force;
    /// The methods' own options, one per flag (several methods share --seed, --no-affine, ...):
    /// hidden from the generated option list, since the epilogue lists them under their methods, and
    /// checked against the chosen method in Run. A switch is an Option<bool>, any other an Option<string>.
    private readonly Dictionary<string, Option> _methodOptions = new(StringComparer.Ordinal);

    public FitVerb() : base("fit", "fit an eraser (LEACE, oracle LEACE, mean difference, random, ...) on X.npy and z.npy",
        "Fits an erasure method on activations X and concept z and saves the eraser; the method's own\n" +
        "options follow the options below.")
    {
        _method = Add(TypedOption.Text("--method", "m", $"the erasure method: {string.Join(", ", EraserMethods.Names)} (below)", required: true));
        _x = Add(TypedOption.Text("--x", "X.npy", "activations: float32 or float64 .npy [rows, dimension]", required: true));
        _z = Add(TypedOption.Text("--z", "z.npy", "the concept, row for row: int64/int32 class labels 0..k-1 [rows], or float values [rows] or [rows, k] (no column constant)"));
        _out = Add(TypedOption.Text("--out", "eraser.safetensors", "where to write the eraser (safetensors, with the method and options in its metadata)", required: true));
        _force = Add(TypedOption.Switch("--force", "replace the --out file if it exists (never --x or --z)"));
        foreach (var flag in EraserMethods.All.SelectMany(m => m.Options).GroupBy(o => o.Flag))
        {
            bool isSwitch = flag.First().Kind == EraserOptionKind.Switch;
            if (flag.Any(o => (o.Kind == EraserOptionKind.Switch) != isSwitch))
                throw new InvalidOperationException($"{flag.Key} is a switch of one method and takes a value in another");
            Option symbol = isSwitch ? TypedOption.Switch(flag.Key, flag.First().Help) : TypedOption.Text(flag.Key, "value", flag.First().Help);
            symbol.Hidden = true;
            Command.Options.Add(symbol);
            _methodOptions[flag.Key] = symbol;
        }
    }

    public override string HelpEpilogue
    {
        get
        {
            var help = new StringBuilder();
            help.AppendLine("methods and their options (defaults in brackets):");
            foreach (var method in EraserMethods.All)
                AppendMethod(help, method, method.NeedsConcept ? "" : " (--z not needed)");
            return help.ToString();
        }
    }

    /// A method's line and its options' lines, for this help and `run`'s.
    /// With `asFields`, options as a spec's fields ("max_steps": <n>) instead of flags (--max-steps <n>).
    internal static void AppendMethod(StringBuilder help, EraserMethod method, string note = "", bool asFields = false)
    {
        help.AppendLine($"  {method.Name,-14} {method.Summary}{note}");
        foreach (var option in method.Options)
        {
            var usage = asFields ? $"\"{option.Name}\": {option.Usage[(option.Usage.IndexOf(' ') + 1)..]}" : option.Usage;
            if (asFields && option.Kind == EraserOptionKind.Switch) usage = $"\"{option.Name}\": true|false";
            help.AppendLine($"      {usage,-26} {option.Help} [{(option.Kind == EraserOptionKind.Switch ? option.Name + "=" : "")}{option.Default}]");
        }
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var method = EraserMethods.Get(args.Value(_method), "fit: --method");
        var options = ReadOptions(method, args);
        var xPath = args.Value(_x);
        var zPath = args.Get(_z);
        var outPath = args.Value(_out);
        bool force = args.Get(_force);
        if (method.NeedsConcept && zPath is null)
            throw new UsageException($"fit: --method {method.Name} needs --z (the concept: class labels or values, row for row with --x)");
        OutputFile.Check("--out", outPath, force, Inputs(xPath, zPath));

        stdout.WriteLine($"method: {method.Name}");
        stdout.WriteLine($"options: {(options.Values.Count == 0 ? "(none)" : options.ToString())}");
        var x = Npy.Read(xPath);
        var z = zPath is null ? null : Npy.Read(zPath);
        var data = new EraserData(x, z, xPath, zPath ?? "z");

        var clock = Stopwatch.StartNew();
        var eraser = method.Fit(data, options);
        clock.Stop();
        EraserFile.Save(outPath, eraser);

        var concept = data.Concept is null ? "" : $", concept: {data.Concept}";
        stdout.WriteLine($"fitted {method.Name} on {data.Rows} rows of dimension {data.Dimension}{concept} in {clock.Elapsed.TotalSeconds:F2} s: {Describe(eraser)}; wrote {outPath}");
        return 0;
    }

    internal static IEnumerable<InputFile> Inputs(string xPath, string? zPath, string? eraserPath = null)
    {
        yield return new InputFile("--x", xPath);
        if (zPath is not null) yield return new InputFile("--z", zPath);
        if (eraserPath is not null) yield return new InputFile("--eraser", eraserPath);
    }

    /// Reads the method's options from their flags; a flag of another method is an error that says
    /// which options this method has.
    private EraserOptions ReadOptions(EraserMethod method, VerbArguments args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in method.Options)
        {
            switch (_methodOptions[option.Flag])
            {
                case Option<bool> flag:
                    if (args.Get(flag)) values[option.Name] = option.Default == "true" ? "false" : "true";
                    break;
                case Option<string> valued when args.Get(valued) is { } text:
                    values[option.Name] = option.Normalise(text)
                        ?? throw new UsageException($"fit: {option.Flag} must be {option.Expected}, got '{text}'");
                    break;
            }
        }
        var own = method.Options.Select(o => o.Flag).ToHashSet(StringComparer.Ordinal);
        foreach (var (flag, symbol) in _methodOptions)
        {
            if (!own.Contains(flag) && args.Given(symbol))
                throw new UsageException($"fit: {flag} is not an option of --method {method.Name} (its options: {(own.Count == 0 ? "none" : string.Join(", ", method.Options.Select(o => o.Usage)))})");
        }
        return EraserOptions.From(method, values, "fit");
    }

    private static string Describe(IEraser eraser) => eraser switch
    {
        IDirectionBasis basis => $"erases {basis.Directions.shape[0]} direction(s)",
        IOracleEraser oracle => $"needs the concept ({oracle.Concept}) at erase time",
        _ => "fitted",
    };
}
