using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// The control every experiment needs: `rank` random orthonormal directions (a seeded standard
/// normal [rank, d], orthonormalised in order, so that rank 1 is a uniformly random unit vector),
/// erased by orthogonal projection around the mean of the rows (`affine`) or the origin. Uses only
/// the rows' dimension and mean, never the concept. The same seed and dimension give the same
/// directions (LibTorch's CPU generator), and the first k of rank r > k are those of rank k.
public static class RandomDirections
{
    public const string Name = "random";

    public static IReadOnlyList<EraserOption> Declared { get; } = new[]
    {
        EraserOption.Integer("rank", 1, "how many orthonormal random directions", min: 1),
        EraserOption.Integer("seed", 0, "seed of the random directions", min: 0),
        EraserOption.Switch("affine", true, "project around the mean of the rows (off: around the origin)"),
    };

    public static EraserMethod Definition { get; } = new(
        Name,
        "random orthonormal directions (seeded), erased by projection: the control",
        Declared,
        needsConcept: false,
        fit: (data, options) => Fit(data, options.Int("rank"), options.Int("seed"), options.Bool("affine")),
        load: ProjectionEraser.Load);

    public static ProjectionEraser Fit(EraserData data, int rank = 1, int seed = 0, bool affine = true)
    {
        if (rank < 1) throw new UsageException($"random: rank must be at least 1, got {rank}");
        if (rank > data.Dimension)
            throw new UsageException($"random: rank {rank} is larger than the dimension {data.Dimension} of the rows of {data.XName}");
        if (seed < 0) throw new UsageException($"random: seed must be at least 0, got {seed}");
        using var scope = NewDisposeScope();
        var directions = Directions(data.Dimension, rank, seed);
        var centre = affine ? data.X.to_type(ScalarType.Float64).mean(new long[] { 0 }) : zeros(data.Dimension, dtype: ScalarType.Float64);
        var options = new Dictionary<string, string>
        {
            ["rank"] = rank.ToString(CultureInfo.InvariantCulture),
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["affine"] = affine ? "true" : "false",
        };
        return new ProjectionEraser(Name, directions, centre, options);
    }

    /// `rank` orthonormal random directions of dimension d, as rows [rank, d].
    public static Tensor Directions(long dimension, int rank, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed, CPU);
        // One draw per row, so that the first k directions of a larger rank are the directions of
        // rank k (LibTorch draws differently for short and long tensors).
        var gaussian = stack(Enumerable.Range(0, rank).Select(_ => randn(new long[] { dimension }, dtype: ScalarType.Float64, generator: generator)).ToArray());
        var rows = Subspace.OrthonormalRows(gaussian);
        if (rows.shape[0] != rank) throw new InvalidOperationException("random directions came out linearly dependent");
        return rows.MoveToOuterDisposeScope();
    }
}
