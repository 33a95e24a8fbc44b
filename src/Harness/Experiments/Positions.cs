namespace Harness.Experiments;

/// Which token positions of a text an experiment uses: every token, or only the last one.
/// `concept.positions` says which activations a direction is fitted on (every token of each
/// training sentence with its label repeated, as in the discussion, or the last token);
/// `edit_positions` says where an edit is applied (every position, or each prompt's last token).
public enum Positions
{
    All,
    Last,
}

public static class PositionsNames
{
    public static string Name(this Positions p) => p == Positions.All ? "all" : "last";

    public static Positions? Parse(string text) => text switch
    {
        "all" => Positions.All,
        "last" => Positions.Last,
        _ => null,
    };
}
