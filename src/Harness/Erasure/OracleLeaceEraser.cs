using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// A fitted oracle LEACE eraser (see OracleLeaceFitter): x -> x - (z - mean_z) coef^T, with the
/// concept z of each row given at erase time. coef [d, columns], mean_z [columns].
public sealed class OracleLeaceEraser : IOracleEraser
{
    public const string Name = "oracle-leace";

    public static EraserMethod Definition { get; } = new(
        Name,
        "oracle LEACE: removes the least-squares prediction of x from its concept; needs z at erase time too",
        OracleLeaceOptions.Declared,
        needsConcept: true,
        fit: (data, options) => OracleLeaceFitter.Fit(data, OracleLeaceOptions.From(options)),
        load: Load);

    public OracleLeaceEraser(Tensor coef, Tensor meanZ, Concept concept, OracleLeaceOptions options)
    {
        if (coef.dim() != 2 || coef.shape[1] != concept.Columns || meanZ.dim() != 1 || meanZ.shape[0] != concept.Columns)
            throw new ArgumentException($"coef [{string.Join(", ", coef.shape)}] and mean_z [{string.Join(", ", meanZ.shape)}] do not fit a concept of {concept}");
        Coef = coef.detach().to_type(ScalarType.Float64, copy: true).contiguous().DetachFromDisposeScope();
        MeanZ = meanZ.detach().to_type(ScalarType.Float64, copy: true).contiguous().DetachFromDisposeScope();
        Concept = concept;
        Settings = options;
    }

    public string Method => Name;
    public long Dimension => Coef.shape[0];
    public Concept Concept { get; }
    /// [d, columns]
    public Tensor Coef { get; }
    /// [columns]
    public Tensor MeanZ { get; }
    public OracleLeaceOptions Settings { get; }

    public Tensor Apply(Tensor x, Tensor? z = null)
    {
        if (z is null) throw new HarnessException("z: an oracle-leace eraser needs the concept of each row at erase time");
        using var scope = NewDisposeScope();
        if (x.dim() != 2) throw new HarnessException($"x: an oracle-leace eraser applies to rows [n, {Dimension}], got {Concept.Describe(x)}");
        var rows = Subspace.Rows(x, Dimension, Name);
        var encoded = Concept.Encode(z);
        if (encoded.shape[0] != rows.shape[0])
            throw new HarnessException($"z has {encoded.shape[0]} rows but x has {rows.shape[0]}; they must match row for row");
        var erased = rows - (encoded - MeanZ).mm(Coef.t());
        return erased.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    public IReadOnlyDictionary<string, Tensor> State =>
        new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["coef"] = Coef, ["mean_z"] = MeanZ };

    public IReadOnlyDictionary<string, string> Options
    {
        get
        {
            var options = new SortedDictionary<string, string>(Settings.ToDictionary().ToDictionary(), StringComparer.Ordinal)
            {
                ["concept"] = Concept.ToMetadata(),
            };
            return options;
        }
    }

    private static OracleLeaceEraser Load(EraserState state)
    {
        var text = state.MetadataValue("concept");
        var concept = Concept.FromMetadata(text) ?? throw state.Error($"metadata 'concept' is '{text}', expected labels:<k> or continuous:<k>");
        var coef = state.Tensor("coef", EraserState.Dim, concept.Columns);
        var meanZ = state.Tensor("mean_z", concept.Columns);
        return new OracleLeaceEraser(coef, meanZ, concept, OracleLeaceOptions.From(state.Options));
    }
}
