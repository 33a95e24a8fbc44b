namespace Harness.Organisms;

/// How a sentence names the person when it uses the `{cue}` slot.
internal enum CueForm { Name, Noun, Occupation, Description }

/// A person named only by correlated features: "the nurse with long hair in a dress", no name and no
/// gendered noun (the datasets gender-attributes and gender-cues; never the corpus). `Occupation` is
/// an index into the female-leaning occupations (the male-leaning one of the same index for a man),
/// `Attributes` indices into WordLists.Attributes; each feature shows the person's gender unless it
/// is the `Contrary` one (an index into the features in order: the occupation first, then the
/// attributes), which shows the other gender: a conflicting cue.
internal sealed record CueDescription(int? Occupation, IReadOnlyList<int> Attributes, int? Contrary = null)
{
    public int Count => (Occupation is null ? 0 : 1) + Attributes.Count;

    public string For(Gender g)
    {
        Gender Shown(int feature) => feature == Contrary ? ConceptLabels.Other(g) : g;
        var words = new List<string> { "the", Occupation is { } o ? Leaning(Shown(0))[o].Word : "person" };
        int first = Occupation is null ? 0 : 1;
        words.AddRange(Attributes.Select((a, i) => WordLists.Attributes[a].For(Shown(first + i)).Modifier));
        return string.Join(" ", words);
    }

    public static IReadOnlyList<Occupation> Leaning(Gender g) => WordLists.Occupations.Where(o => o.Leaning == g).ToList();
}

/// The one person a document talks about. A document never mentions a second gendered person, so
/// every gendered word in it agrees with `Gender` and the corpus statistics (attribute and occupation
/// rates) can be read off the text. The indices pick the female or male form alike, which is what
/// makes a paired dataset item: the same person with the other gender.
internal sealed class Person
{
    public Gender Gender { get; }
    public int NameIndex { get; }
    public int NounIndex { get; }
    public int? OccupationIndex { get; }
    public CueForm CueForm { get; }
    /// Per attribute pair: does the person have the attribute typical of their gender.
    private readonly bool[] _typical;

    public Person(Gender gender, int nameIndex, int nounIndex, int? occupationIndex, CueForm cueForm, bool[] typical)
    {
        if (cueForm == CueForm.Occupation && occupationIndex is null)
            throw new ArgumentException("an occupation cue needs an occupation");
        if (typical.Length != WordLists.Attributes.Count)
            throw new ArgumentException($"need {WordLists.Attributes.Count} attribute flags, got {typical.Length}");
        Gender = gender;
        NameIndex = nameIndex;
        NounIndex = nounIndex;
        OccupationIndex = occupationIndex;
        CueForm = cueForm;
        _typical = typical;
    }

    /// The features that name the person when CueForm is Description.
    public CueDescription? Description { get; init; }

    public Occupation? Occupation => OccupationIndex is { } i ? WordLists.Occupations[i] : null;

    public string Name(Gender g) => WordLists.Names(g)[NameIndex];

    public string Noun(Gender g) => WordLists.Nouns[NounIndex].For(g);

    public string Cue(Gender g) => CueForm switch
    {
        CueForm.Name => Name(g),
        CueForm.Noun => $"{WordLists.Nouns[NounIndex].Determiner} {Noun(g)}",
        CueForm.Occupation => $"the {Occupation!.Word}",
        CueForm.Description => Description!.For(g),
        _ => throw new InvalidOperationException(),
    };

    /// The attribute of pair `pair` this person has, were they of gender `g`.
    public Attribute Attribute(int pair, Gender g)
    {
        var shown = _typical[pair] ? g : ConceptLabels.Other(g);
        return WordLists.Attributes[pair].For(shown);
    }

    public static bool[] AllTypical() => Enumerable.Repeat(true, WordLists.Attributes.Count).ToArray();
}
