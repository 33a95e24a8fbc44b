using System.CommandLine;
using Harness.Erasure;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `erase`: applies a saved eraser to activations X and writes the erased rows.
public sealed class EraseVerb : Verb
{
    private readonly Option<string> _eraser, _x, _z, _out;
    private readonly Option<bool> _force;

    public EraseVerb() : base("erase", "apply a fitted eraser to the rows of X.npy")
    {
        _eraser = Add(TypedOption.Text("--eraser", "eraser.safetensors", "an eraser written by `harness fit`", required: true));
        _x = Add(TypedOption.Text("--x", "X.npy", "activations: float32 or float64 .npy [rows, dimension], the eraser's dimension", required: true));
        _z = Add(TypedOption.Text("--z", "z.npy", "the concept of each row: only (and always) for oracle erasers (oracle-leace)"));
        _out = Add(TypedOption.Text("--out", "Y.npy", "the erased rows, .npy of the same shape and dtype as X", required: true));
        _force = Add(TypedOption.Switch("--force", "replace the --out file if it exists (never --x, --z or --eraser)"));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var eraserPath = args.Value(_eraser);
        var xPath = args.Value(_x);
        var zPath = args.Get(_z);
        var outPath = args.Value(_out);
        bool force = args.Get(_force);
        OutputFile.Check("--out", outPath, force, FitVerb.Inputs(xPath, zPath, eraserPath));

        var eraser = EraserFile.Load(eraserPath);
        var x = Npy.Read(xPath);
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64) || x.dim() != 2)
            throw new HarnessException($"{xPath}: expected a float32 or float64 matrix [rows, dimension], got {Concept.Describe(x)}");
        if (x.shape[1] != eraser.Dimension)
            throw new HarnessException($"{xPath}: rows have dimension {x.shape[1]} but eraser {eraserPath} was fitted on dimension {eraser.Dimension}");
        EraserData.CheckFinite(x, xPath);

        Tensor? z = null;
        if (eraser is IOracleEraser oracle)
        {
            if (zPath is null)
                throw new UsageException($"erase: eraser {eraserPath} is {eraser.Method}, which needs --z (the concept of each row: {oracle.Concept})");
            z = Npy.Read(zPath);
            using var encoded = oracle.Concept.Encode(z, zPath);
            if (encoded.shape[0] != x.shape[0])
                throw new HarnessException($"{zPath} has {encoded.shape[0]} rows but {xPath} has {x.shape[0]}; they must match row for row");
        }
        else if (zPath is not null)
            throw new UsageException($"erase: --z is only for oracle erasers; {eraserPath} holds a {eraser.Method} eraser, which does not use it");

        var y = empty_like(x);
        double squaredEdit = 0;
        const long chunk = 8192;
        for (long start = 0; start < x.shape[0]; start += chunk)
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            long length = Math.Min(chunk, x.shape[0] - start);
            var rows = x.narrow(0, start, length);
            var erased = eraser.Apply(rows, z?.narrow(0, start, length));
            y.narrow(0, start, length).copy_(erased);
            squaredEdit += (erased.to_type(ScalarType.Float64) - rows.to_type(ScalarType.Float64)).square().sum().ToDouble();
        }
        Npy.Write(outPath, y);
        double meanSquaredEdit = x.shape[0] == 0 ? 0 : squaredEdit / x.shape[0];
        stdout.WriteLine($"erased {x.shape[0]} rows of dimension {x.shape[1]} with the {eraser.Method} eraser {eraserPath}: mean squared edit {meanSquaredEdit:G6} per row; wrote {outPath}");
        return 0;
    }
}
