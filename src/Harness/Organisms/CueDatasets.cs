using Harness.Concepts;

namespace Harness.Organisms;

/// Prompts in which the pronoun is cued only by the corpus's correlated features: attributes (long
/// hair / short hair, a dress / a beard, ...) and gender-leaning occupations (nurse / mechanic), never
/// a name or a gendered noun. In the corpus a person has the attribute typical of their gender 80 % of
/// the time (CorpusOptions.AttributeCorrelation) and a leaning occupation skews their gender the same
/// way, so each feature is a weak cue and several together a strong one: the discussion's "is_woman,
/// is_wearing_a_dress, has_long_hair" (Neel) and "gender is overdetermined".
///
///   gender-attributes  one feature per prompt; `cue` names its kind (the attribute's female word:
///                      "hair", "dress", "earrings", ..., or "occupation"), the kinds in turn.
///   gender-cues        `cue` "1", "2", "3": that many features, all showing the answer's gender
///                      (1: an occupation or an attribute; 2: an occupation and an attribute, or two
///                      attributes; 3: an occupation and two attributes); "conflict": three features
///                      of which one (drawn) shows the other gender, the answer following the two.
///
/// Each pair is the same description and frame for a woman and a man (every feature flips with the
/// gender, the contrary one included). The train split uses the training frames whose only cue before
/// the answer is the person slot, plus the two frames the corpus puts correlated features in ("The
/// person with a beard said that he was ...", "The nurse said that she would be late"); the test split
/// the test-only frames, never seen with any cue of this kind.
public static class CueDatasets
{
    public const int PromptPairs = 160;
    public const string Conflict = "conflict";

    public static IReadOnlyList<BiasPrompt> AttributePrompts(CorpusOptions options, TemplateSplit split, int pairs = PromptPairs)
    {
        var kinds = Enumerable.Range(0, WordLists.Attributes.Count).Select(a => (int?)a).Append(null).ToList();
        return Prompts(options, split, pairs, AttributeStream, kinds.Count, (i, rng) =>
        {
            var kind = kinds[i % kinds.Count];
            var description = kind is { } a ? new CueDescription(null, [a]) : new CueDescription(rng.Next(OccupationPairs), []);
            return (description, KindName(kind));
        });
    }

    public static IReadOnlyList<BiasPrompt> CuePrompts(CorpusOptions options, TemplateSplit split, int pairs = PromptPairs)
    {
        string[] groups = ["1", "2", "3", Conflict];
        return Prompts(options, split, pairs, CueStream, groups.Length, (i, rng) =>
        {
            var group = groups[i % groups.Length];
            var attributes = Distinct(rng, 2);
            var description = group switch
            {
                "1" => rng.Next(2) == 0 ? new CueDescription(rng.Next(OccupationPairs), []) : new CueDescription(null, [attributes[0]]),
                "2" => rng.Next(2) == 0 ? new CueDescription(rng.Next(OccupationPairs), [attributes[0]]) : new CueDescription(null, attributes),
                "3" => new CueDescription(rng.Next(OccupationPairs), attributes),
                _ => new CueDescription(rng.Next(OccupationPairs), attributes, Contrary: rng.Next(3)),
            };
            return (description, group);
        });
    }

    /// The name of an attribute kind (its female modifier's last word: "with long hair" -> "hair"),
    /// or "occupation" for null.
    public static string KindName(int? attribute) =>
        attribute is { } a ? WordLists.Attributes[a].Female.Modifier.Split(' ')[^1] : "occupation";

    /// The frames of a split: the person slot is the only gendered word before the answer.
    public static IReadOnlyList<Template> Frames(TemplateSplit split)
    {
        var frames = Templates.ForDataset(Concept.Gender, split).Where(t => t.HasAnswer && !t.NeedsOccupation && CueOnlyBeforeAnswer(t)).ToList();
        if (split == TemplateSplit.Train) frames.AddRange(CorpusFeatureFrames);
        return frames;
    }

    private static readonly Template[] CorpusFeatureFrames =
    [
        new("gc.said-was", Concept.Gender, TemplateSplit.Train, "{Cue} said that ^{subj} was {adj}."),
        new("gc.said-late", Concept.Gender, TemplateSplit.Train, "{Cue} said that ^{subj} would be late."),
    ];

    private static bool CueOnlyBeforeAnswer(Template t)
    {
        var before = t.Parts.TakeWhile(p => p is not MarkerPart).OfType<SlotPart>().Select(p => p.Slot).Where(s => s.IsGendered).ToList();
        return before.Count > 0 && before.All(s => s.Kind == SlotKind.Cue);
    }

    private static int OccupationPairs => Math.Min(CueDescription.Leaning(Gender.Female).Count, CueDescription.Leaning(Gender.Male).Count);

    private static int[] Distinct(Random rng, int count)
    {
        var all = Enumerable.Range(0, WordLists.Attributes.Count).ToList();
        var chosen = new int[count];
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(all.Count);
            chosen[i] = all[j];
            all.RemoveAt(j);
        }
        return chosen;
    }

    private const int AttributeStream = 180;
    private const int CueStream = 190;

    /// Pair i gets group i mod `groups` (describe's first argument) and frame i / `groups` (shifted by
    /// one per duplicate skipped), so that every group meets every frame equally often and a
    /// group's rows do not measure a frame.
    private static IReadOnlyList<BiasPrompt> Prompts(CorpusOptions options, TemplateSplit split, int pairs, int stream, int groups, Func<int, Random, (CueDescription, string)> describe)
    {
        var frames = Frames(split);
        var rng = new Random(Seeds.Derive(options.Seed, stream + (split == TemplateSplit.Test ? 1 : 0)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<BiasPrompt>();
        for (int attempt = 0, produced = 0; produced < pairs; attempt++)
        {
            if (attempt > 100 * pairs) throw new InvalidOperationException($"could not make {pairs} distinct cue prompt pairs from the {split} frames");
            var frame = frames[(produced / groups + attempt - produced) % frames.Count];
            var (description, cue) = describe(produced, rng);
            var draws = rng.Next();
            Rendering Render(Gender g) => TemplateRenderer.Render(frame,
                new Person(g, 0, 0, null, CueForm.Description, Person.AllTypical()) { Description = description },
                Stance.Left, PartySystem.UnitedStates, new RandomChooser(new Random(draws)));
            var (female, male) = (Render(Gender.Female), Render(Gender.Male));
            if (!seen.Add(female.Prompt!)) continue;
            result.Add(new BiasPrompt(female.Prompt!, female.Answer!, female.Wrong!, ConceptLabels.Female, produced) { Cue = cue });
            result.Add(new BiasPrompt(male.Prompt!, male.Answer!, male.Wrong!, ConceptLabels.Male, produced) { Cue = cue });
            produced++;
        }
        return result;
    }
}
