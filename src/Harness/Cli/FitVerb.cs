using System.Diagnostics;
using System.Text;
using Harness.Erasure;
using Harness.IO;

namespace Harness.Cli;

/// `fit`: fits an erasure method on activations X and concept z, and saves the eraser.
public sealed class FitVerb : IVerb
{
    public string Name => "fit";
    public string Summary => "fit an eraser (LEACE, oracle LEACE, mean difference, random, ...) on X.npy and z.npy";

    public string Help
    {
        get
        {
            var help = new StringBuilder();
            help.AppendLine("usage: harness fit --method <method> --x X.npy [--z z.npy] [method options] --out eraser.safetensors [--force]");
            help.AppendLine();
            help.AppendLine("  --method <m>   the erasure method (below)");
            help.AppendLine("  --x <file>     activations: float32 or float64 .npy [rows, dimension]");
            help.AppendLine("  --z <file>     the concept, row for row: int64/int32 class labels 0..k-1 [rows], or float values [rows] or [rows, k] (no column constant)");
            help.AppendLine("  --out <file>   where to write the eraser (safetensors, with the method and options in its metadata)");
            help.AppendLine("  --force        replace the --out file if it exists (never --x or --z)");
            help.AppendLine();
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

    public int Run(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        var method = EraserMethods.Get(args.Required("method"), "fit: --method");
        var options = ReadOptions(method, args);
        var xPath = args.Required("x");
        var zPath = args.Optional("z");
        var outPath = args.Required("out");
        bool force = args.Flag("force");
        args.RejectUnknown();
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
    internal static EraserOptions ReadOptions(EraserMethod method, Arguments args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in method.Options)
        {
            var flag = option.Flag[2..];
            switch (option.Kind)
            {
                case EraserOptionKind.Switch:
                    if (args.Flag(flag)) values[option.Name] = option.Default == "true" ? "false" : "true";
                    break;
                default:
                    var text = args.Optional(flag);
                    if (text is null) break;
                    values[option.Name] = option.Normalise(text)
                        ?? throw new UsageException($"fit: {option.Flag} must be {option.Expected}, got '{text}'");
                    break;
            }
        }
        var own = method.Options.Select(o => o.Flag).ToHashSet(StringComparer.Ordinal);
        foreach (var flag in EraserMethods.All.SelectMany(m => m.Options).Select(o => o.Flag).Distinct().Where(f => !own.Contains(f)))
        {
            if (args.Has(flag[2..]))
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
