using Harness.Metrics;

namespace Harness.Experiments;

/// The directions of one model and site that the `direction_stats` metric describes: each fitted
/// method's first direction (copied out of its dispose scope) with its stats, and the stats of
/// every random direction of the rank-1 null, in draw order, so that draw j's stats line up with
/// draw j's effect in NullEffects.
internal sealed class DirectionPoints
{
    public sealed record Fitted(string Label, string Concept, double[] Direction, DirectionStats Stats);

    private readonly List<Fitted> _fitted = new();
    private readonly List<DirectionStats> _draws = new();

    public IReadOnlyList<Fitted> Methods => _fitted;
    public IReadOnlyList<DirectionStats> Draws => _draws;
    /// The random method whose draws these are, and the concept its stats were measured on.
    public string? NullSource { get; private set; }
    public string? NullConcept { get; private set; }

    public void AddMethod(string label, string concept, double[] direction, DirectionStats stats) =>
        _fitted.Add(new Fitted(label, concept, direction, stats));

    public void AddDraws(string source, string concept, IEnumerable<DirectionStats> draws)
    {
        if (NullSource is not null) return; // one null per site: the first rank-1 source
        NullSource = source;
        NullConcept = concept;
        _draws.AddRange(draws);
    }

    /// |u . v| / (|u| |v|) of two fitted directions.
    public static double Cosine(double[] u, double[] v)
    {
        double dot = 0, uu = 0, vv = 0;
        for (int i = 0; i < u.Length; i++) { dot += u[i] * v[i]; uu += u[i] * u[i]; vv += v[i] * v[i]; }
        return Math.Abs(dot / Math.Sqrt(uu * vv));
    }
}
