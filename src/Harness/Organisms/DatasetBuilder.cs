using Harness.Concepts;

namespace Harness.Organisms;

/// Builds the concept datasets from the same templates and word lists as the corpus. Train splits use
/// training templates, test splits test-only templates (Templates.ForDataset). Gender and politics
/// items come in pairs rendered twice from the same random draws, once per label, so the two differ
/// only in the concept's words ("Her car is broken. But" / "His car is broken. But").
public static class DatasetBuilder
{
    public const int GenderSentencePairs = 250;
    public const int GenderPromptPairs = 150;
    public const int PoliticsSentencePairs = 200;
    public const int PoliticsPromptPairs = 150;
    public const int ControlPromptCount = 48;
    public const int ControlTextCount = 200;
    public const int GenderTextCount = 200;
    public const int UnrelatedPromptCount = 200;
    public const int PoliticsNoPersonPromptPairs = 50;

    public static IReadOnlyList<LabelledSentence> Sentences(CorpusOptions options, Concept concept, TemplateSplit split, int pairs)
    {
        var result = new List<LabelledSentence>();
        foreach (var p in Pairs(options, concept, split, prompts: false, pairs, Stream(concept, split, prompts: false), _ => true))
        {
            result.Add(new LabelledSentence(p.First.Text, p.FirstLabel, p.Pair));
            result.Add(new LabelledSentence(p.Second.Text, p.SecondLabel, p.Pair));
        }
        return result;
    }

    public static IReadOnlyList<BiasPrompt> Prompts(CorpusOptions options, Concept concept, TemplateSplit split, int pairs) =>
        Prompts(options, concept, split, pairs, Stream(concept, split, prompts: true), _ => true);

    /// Politics prompts from the frames without any person in them (Template.MentionsPerson false),
    /// their own random stream: the stance alone, for an edit's damage on politics that cannot come
    /// from the person's gender.
    public static IReadOnlyList<BiasPrompt> PoliticsNoPersonPrompts(CorpusOptions options, TemplateSplit split, int pairs) =>
        Prompts(options, Concept.Politics, split, pairs, PoliticsNoPersonStream + (split == TemplateSplit.Test ? 1 : 0), t => !t.MentionsPerson);

    private static IReadOnlyList<BiasPrompt> Prompts(CorpusOptions options, Concept concept, TemplateSplit split, int pairs, int stream, Func<Template, bool> keep)
    {
        var result = new List<BiasPrompt>();
        foreach (var p in Pairs(options, concept, split, prompts: true, pairs, stream, keep))
        {
            result.Add(new BiasPrompt(p.First.Prompt!, p.First.Answer!, p.First.Wrong!, p.FirstLabel, p.Pair));
            result.Add(new BiasPrompt(p.Second.Prompt!, p.Second.Answer!, p.Second.Wrong!, p.SecondLabel, p.Pair));
        }
        return result;
    }

    /// Control prompts (label "control", each its own pair): templates taken in turn, so every kind of
    /// control fact is represented.
    public static IReadOnlyList<BiasPrompt> ControlPrompts(CorpusOptions options, TemplateSplit split, int count)
    {
        var templates = Templates.ForDataset(Concept.Control, split).Where(t => t.HasAnswer).ToList();
        var rng = new Random(Seeds.Derive(options.Seed, Stream(Concept.Control, split, prompts: true)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<BiasPrompt>();
        for (var attempt = 0; result.Count < count; attempt++)
        {
            if (attempt > 100 * count) throw new InvalidOperationException($"could not make {count} distinct control prompts");
            var r = TemplateRenderer.Render(templates[attempt % templates.Count], AnyPerson, Stance.Left, PartySystem.UnitedStates, new RandomChooser(rng));
            if (seen.Add(r.Prompt!)) result.Add(new BiasPrompt(r.Prompt!, r.Answer!, r.Wrong!, ConceptLabels.Control, result.Count));
        }
        return result;
    }

    /// Paragraphs of control sentences only (training templates, their own random stream): text that
    /// carries neither concept, for perplexity and KL damage.
    public static IReadOnlyList<TextRecord> ControlText(CorpusOptions options, int count)
    {
        var controlOnly = options with { GenderWeight = 0, PoliticsWeight = 0, ControlWeight = 1 };
        return new CorpusGenerator(controlOnly).Documents(ControlTextStream, count).Select(t => new TextRecord(t)).ToList();
    }

    /// Prompts with a one-token right and wrong answer and neither gender nor politics (needs, counting,
    /// days and months, colours of things, weather, sums and differences, opposites, what animals can
    /// do and their legs, capitals, materials, properties), from the control
    /// templates of the split in turn, each its own pair, with arbitrary labels "a" / "b" (half each,
    /// shuffled): the labels say nothing about the prompt, so a direction fitted to separate them is
    /// the discussion's "direction with no conceptual meaning", and seeded subsets of ten with five of
    /// each label are its "any ten prompts". Their own random stream: not the controls' prompts.
    public static IReadOnlyList<BiasPrompt> UnrelatedPrompts(CorpusOptions options, TemplateSplit split, int count)
    {
        if (count % 2 != 0) throw new ArgumentException("an even count, so that the labels are balanced", nameof(count));
        var templates = Templates.ForDataset(Concept.Control, split).Where(t => t.HasAnswer).ToList();
        var rng = new Random(Seeds.Derive(options.Seed, UnrelatedStream + (split == TemplateSplit.Test ? 1 : 0)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rendered = new List<Rendering>();
        for (var attempt = 0; rendered.Count < count; attempt++)
        {
            if (attempt > 100 * count) throw new InvalidOperationException($"could not make {count} distinct unrelated prompts from the {split} control templates (only {rendered.Count})");
            var r = TemplateRenderer.Render(templates[attempt % templates.Count], AnyPerson, Stance.Left, PartySystem.UnitedStates, new RandomChooser(rng));
            if (seen.Add(r.Prompt!)) rendered.Add(r);
        }
        var labels = Enumerable.Range(0, count).Select(i => i % 2 == 0 ? "a" : "b").ToList();
        Shuffle(labels, rng);
        return rendered.Select((r, i) => new BiasPrompt(r.Prompt!, r.Answer!, r.Wrong!, labels[i], i)).ToList();
    }

    /// Paragraphs of gender sentences only (training templates, their own random stream), each about
    /// one person: running text about the concept, for KL damage at the positions that do not
    /// predict a gendered answer word (the intended flip), beside the control text.
    public static IReadOnlyList<TextRecord> GenderText(CorpusOptions options, int count)
    {
        var genderOnly = options with { GenderWeight = 1, PoliticsWeight = 0, ControlWeight = 0 };
        return new CorpusGenerator(genderOnly).Documents(GenderTextStream, count).Select(t => new TextRecord(t)).ToList();
    }

    private const int ControlTextStream = 140;
    private const int GenderTextStream = 150;
    private const int UnrelatedStream = 160;
    private const int PoliticsNoPersonStream = 170;

    /// Each dataset file has its own stream (100 and above; see Seeds).
    private static int Stream(Concept concept, TemplateSplit split, bool prompts) =>
        100 + 10 * (int)concept + 2 * (prompts ? 1 : 0) + (split == TemplateSplit.Test ? 1 : 0);

    /// Control templates have no person; any will do.
    private static readonly Person AnyPerson = new(Gender.Female, 0, 0, null, CueForm.Name, Person.AllTypical());

    private sealed record RenderedPair(Rendering First, string FirstLabel, Rendering Second, string SecondLabel, int Pair);

    private static IEnumerable<RenderedPair> Pairs(CorpusOptions options, Concept concept, TemplateSplit split, bool prompts, int count, int stream, Func<Template, bool> keep)
    {
        if (concept == Concept.Control) throw new ArgumentException("control items are not paired", nameof(concept));
        var templates = Templates.ForDataset(concept, split).Where(t => (!prompts || t.HasAnswer) && keep(t)).ToList();
        if (templates.Count == 0) throw new InvalidOperationException($"no {split} templates for {concept}");
        var rng = new Random(Seeds.Derive(options.Seed, stream));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var produced = 0;
        for (var attempt = 0; produced < count; attempt++)
        {
            if (attempt > 100 * count) throw new InvalidOperationException($"could not make {count} distinct {concept} pairs from the {split} templates");
            // Templates in turn, so that every frame and every answer pair (she/he, her/his, her/him,
            // herself/himself; party, side, ideology, taxes, rules) is represented.
            var template = templates[attempt % templates.Count];
            var nameIndex = rng.Next(WordLists.FemaleNames.Count);
            var nounIndex = rng.Next(WordLists.Nouns.Count);
            var cue = rng.Next(2) == 0 ? CueForm.Name : CueForm.Noun;
            var gender = rng.Next(2) == 0 ? Gender.Female : Gender.Male;
            var stance = rng.Next(2) == 0 ? Stance.Left : Stance.Right;
            var parties = rng.Next(2) == 0 ? PartySystem.UnitedStates : PartySystem.UnitedKingdom;
            var draws = rng.Next();
            Rendering Render(Gender g, Stance s) => TemplateRenderer.Render(template,
                new Person(g, nameIndex, nounIndex, null, cue, Person.AllTypical()), s, parties, new RandomChooser(new Random(draws)));
            RenderedPair pair = concept == Concept.Gender
                ? new(Render(Gender.Female, stance), ConceptLabels.Female, Render(Gender.Male, stance), ConceptLabels.Male, produced)
                : new(Render(gender, Stance.Left), ConceptLabels.Left, Render(gender, Stance.Right), ConceptLabels.Right, produced);
            if (!seen.Add(prompts ? pair.First.Prompt! : pair.First.Text)) continue;
            produced++;
            yield return pair;
        }
    }

    /// Fisher-Yates with the given generator (so the order depends on the seed only).
    private static void Shuffle<T>(IList<T> list, Random rng)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
