using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// The control every experiment needs: `rank` random orthonormal directions, erased by orthogonal
/// projection around the mean of the rows (`affine`) or the origin. Uses only the rows, never the
/// concept. Three kinds of draw:
///
///   isotropic:   g ~ N(0, I_d), uniform on the sphere once normalised (rank 1);
///   covariance:  g = Xcᵀ w / sqrt(n - 1) with w ~ N(0, I_n), Xc the centred rows, i.e. g ~ N(0, Σ)
///                with Σ the rows' covariance: directions that carry the variance a direction
///                fitted on these activations typically carries, not the average variance;
///   coordinates: `rank` distinct standard basis vectors e_i, uniformly (a permutation's first
///                rank): projected out around the origin they zero those coordinates of the
///                residual, what residual dropout does in training (without its rescaling).
///
/// The rows of a basis are orthonormalised in order. Draws come from one stream seeded with `seed`
/// (LibTorch's CPU generator, one draw per row), so the same seed and rows give the same directions,
/// the first k of rank r > k are those of rank k, and draw j of a null (Draws) is rows
/// [j rank, (j + 1) rank) of the stream: draw 0 is what `fit` returns. `directions` is how many
/// bases an experiment draws for its null distribution (ExperimentRunner); `fit` uses the first.
public static class RandomDirections
{
    public const string Name = "random";
    public const string NullMetricsOption = "null_metrics";
    public const string NullAnswerMetrics = "answer";
    public const string NullPromptMetrics = "prompt";
    public const string Isotropic = "isotropic";
    public const string Covariance = "covariance";
    public const string Coordinates = "coordinates";

    public static IReadOnlyList<EraserOption> Declared { get; } = new[]
    {
        EraserOption.Integer("rank", 1, "how many orthonormal random directions", min: 1),
        EraserOption.Integer("seed", 0, "seed of the random directions", min: 0),
        EraserOption.Switch("affine", true, "project around the mean of the rows (off: around the origin)"),
        EraserOption.Choice("kind", Isotropic, "isotropic (uniform on the sphere), covariance (shaped by the rows' covariance) or coordinates (rank distinct standard basis vectors: with affine off and an edit centred at zero, projecting them out zeroes those coordinates, as residual dropout does)", Isotropic, Covariance, Coordinates),
        EraserOption.Integer("directions", 1, "random bases an experiment draws for its null distribution (fit uses the first)", min: 1, max: 10000),
        EraserOption.Choice(NullMetricsOption, NullAnswerMetrics, "what the null measures per draw: answer (the metrics of the answer logits: pronoun_bias, logit_diff, answer_accuracy) or prompt (also kl_damage and partner_kl, from the whole vocabulary's logits; about twice the cost)", NullAnswerMetrics, NullPromptMetrics),
    };

    public static EraserMethod Definition { get; } = new(
        Name,
        "random orthonormal directions (seeded), erased by projection: the control",
        Declared,
        needsConcept: false,
        fit: (data, options) => Fit(data, options.Int("rank"), options.Int("seed"), options.Bool("affine"), options.Choice("kind")),
        load: ProjectionEraser.Load);

    public static ProjectionEraser Fit(EraserData data, int rank = 1, int seed = 0, bool affine = true, string kind = Isotropic)
    {
        Check(data, rank, seed, kind);
        using var scope = NewDisposeScope();
        var directions = Draws(data.X, rank, seed, kind, 1)[0];
        return Eraser(data.X, directions, rank, seed, affine, kind);
    }

    /// The eraser of one drawn basis [rank, d] (draw j of Draws), with the options it was drawn with.
    public static ProjectionEraser Eraser(Tensor x, Tensor directions, int rank, int seed, bool affine, string kind)
    {
        using var scope = NewDisposeScope();
        long d = directions.shape[1];
        var centre = affine ? x.to_type(ScalarType.Float64).mean(new long[] { 0 }) : zeros(d, dtype: ScalarType.Float64);
        var options = new Dictionary<string, string>
        {
            ["rank"] = rank.ToString(CultureInfo.InvariantCulture),
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["affine"] = affine ? "true" : "false",
            ["kind"] = kind,
            ["directions"] = "1", // an eraser is one basis, whatever null it was drawn for
            [NullMetricsOption] = NullAnswerMetrics, // likewise: what a null measured is not the eraser's
        };
        return new ProjectionEraser(Name, directions, centre, options);
    }

    private static void Check(EraserData data, int rank, int seed, string kind)
    {
        if (rank < 1) throw new UsageException($"random: rank must be at least 1, got {rank}");
        if (rank > data.Dimension)
            throw new UsageException($"random: rank {rank} is larger than the dimension {data.Dimension} of the rows of {data.XName}");
        if (seed < 0) throw new UsageException($"random: seed must be at least 0, got {seed}");
        if (kind is not (Isotropic or Covariance or Coordinates)) throw new UsageException($"random: kind must be {Isotropic}, {Covariance} or {Coordinates}, got '{kind}'");
        if (kind == Covariance && data.X.shape[0] < 2)
            throw new UsageException($"random: kind covariance needs at least 2 rows of {data.XName}, got {data.X.shape[0]}");
    }

    /// `count` bases of `rank` orthonormal rows each, drawn from the stream of `seed`: [count] of
    /// [rank, d] float64. `rows` [n, d] shapes covariance draws (and gives d).
    public static Tensor[] Draws(Tensor rows, int rank, int seed, string kind, int count)
    {
        using var scope = NewDisposeScope();
        long d = rows.shape[1];
        using var generator = new torch.Generator((ulong)seed, CPU);
        Tensor? shape = null;
        if (kind == Covariance)
        {
            var x = rows.detach().to(ScalarType.Float64).cpu();
            shape = (x - x.mean([0], keepdim: true)).t() / Math.Sqrt(x.shape[0] - 1); // [d, n]: Xcᵀ / sqrt(n - 1)
        }
        var bases = new Tensor[count];
        for (int j = 0; j < count; j++)
        {
            if (kind == Coordinates)
            {
                // `rank` distinct coordinates, uniformly: the first rank of a permutation.
                var picked = randperm(d, generator: generator).narrow(0, 0, rank);
                bases[j] = eye(d, dtype: ScalarType.Float64).index_select(0, picked).MoveToOuterDisposeScope();
                continue;
            }
            // One draw per row, so that the first k directions of a larger rank are the directions
            // of rank k (LibTorch draws differently for short and long tensors).
            var gaussian = stack(Enumerable.Range(0, rank).Select(_ => shape is null
                ? randn(new long[] { d }, dtype: ScalarType.Float64, generator: generator)
                : shape.mv(randn(new long[] { shape.shape[1] }, dtype: ScalarType.Float64, generator: generator))).ToArray());
            var basis = Subspace.OrthonormalRows(gaussian);
            if (basis.shape[0] != rank) throw new HarnessException($"random: draw {j} came out linearly dependent (rank {rank} of rows with fewer dimensions of variance?)");
            bases[j] = basis.MoveToOuterDisposeScope();
        }
        return bases;
    }
}
