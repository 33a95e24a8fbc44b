namespace Harness.Organisms;

/// The two values of the gender concept, and the pronouns that agree with each.
public enum Gender { Female, Male }

/// The two values of the political concept.
public enum Stance { Left, Right }

/// Which country's parties a document talks about (both appear in the corpus, so that a stance is
/// more than one party name).
public enum PartySystem { UnitedStates, UnitedKingdom }

public static class ConceptLabels
{
    public const string Female = "female";
    public const string Male = "male";
    public const string Left = "left";
    public const string Right = "right";
    public const string Control = "control";

    public static string Of(Gender g) => g == Gender.Female ? Female : Male;
    public static string Of(Stance s) => s == Stance.Left ? Left : Right;
    public static Gender Other(Gender g) => g == Gender.Female ? Gender.Male : Gender.Female;
    public static Stance Other(Stance s) => s == Stance.Left ? Stance.Right : Stance.Left;
}
