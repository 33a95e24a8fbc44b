using System.Text;

namespace Harness.Organisms;

/// The training text of the model organisms: short English paragraphs (2-5 sentences, at most
/// CorpusOptions.MaxWords words, well under a 64-token context) mixing gender, politics and control
/// sentences from the training templates only. Deterministic: the same options give the same
/// documents, and the first n documents do not depend on how many are asked for.
public sealed class CorpusGenerator
{
    public CorpusOptions Options { get; }

    private readonly IReadOnlyList<Template>[] _byConcept;

    public CorpusGenerator(CorpusOptions options)
    {
        Options = options.Validate();
        _byConcept = [Templates.ForCorpus(Concept.Gender), Templates.ForCorpus(Concept.Politics), Templates.ForCorpus(Concept.Control)];
    }

    /// The training corpus: `count` documents from the training stream.
    public IEnumerable<string> TrainingDocuments(int count) => Documents(Seeds.Training, count);

    /// Held-out documents for a held-out loss: the same distribution (training templates) from another
    /// random stream. Being drawn from a finite template space, a few may coincide with training
    /// documents; they are a sample of the distribution, not a test of held-out frames (the test splits
    /// of the datasets are that).
    public IEnumerable<string> HeldOutDocuments(int count) => Documents(Seeds.HeldOut, count);

    internal IEnumerable<string> Documents(int stream, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rng = new Random(Seeds.Derive(Options.Seed, stream));
        for (var i = 0; i < count; i++) yield return Document(rng);
    }

    /// One paragraph about one person (who may not be mentioned at all) with one political stance.
    private string Document(Random rng)
    {
        var person = NewPerson(rng);
        var stance = rng.Next(2) == 0 ? Stance.Left : Stance.Right;
        var parties = rng.Next(2) == 0 ? PartySystem.UnitedStates : PartySystem.UnitedKingdom;
        var target = rng.Next(Options.MinSentences, Options.MaxSentences + 1);
        var chooser = new RandomChooser(rng);
        var text = new StringBuilder();
        var sentences = 0;
        var words = 0;
        var named = false;
        var candidates = new List<Template>();
        for (var attempt = 0; sentences < target && attempt < 100; attempt++)
        {
            var concept = PickConcept(rng);
            candidates.Clear();
            foreach (var t in _byConcept[(int)concept])
                if ((named || !t.NeedsAntecedent) && (person.Occupation is not null || !t.NeedsOccupation))
                    candidates.Add(t);
            if (candidates.Count == 0) continue;
            var template = candidates[rng.Next(candidates.Count)];
            var sentence = TemplateRenderer.Render(template, person, stance, parties, chooser).Text;
            var w = WordCount(sentence);
            if (words + w > Options.MaxWords)
            {
                if (sentences >= Options.MinSentences) break;
                continue;
            }
            if (text.Length > 0) text.Append(' ');
            text.Append(sentence);
            sentences++;
            words += w;
            named |= template.NamesPerson;
        }
        return text.ToString();
    }

    private Concept PickConcept(Random rng)
    {
        var total = Options.GenderWeight + Options.PoliticsWeight + Options.ControlWeight;
        var x = rng.NextDouble() * total;
        if (x < Options.GenderWeight) return Concept.Gender;
        if (x < Options.GenderWeight + Options.PoliticsWeight) return Concept.Politics;
        return Concept.Control;
    }

    /// A corpus person: with probability OccupationRate an occupation first and a gender skewed by it,
    /// else a gender 50/50; attributes typical of the gender with probability AttributeCorrelation.
    private Person NewPerson(Random rng)
    {
        int? occupation = null;
        Gender gender;
        if (rng.NextDouble() < Options.OccupationRate)
        {
            var o = rng.Next(WordLists.Occupations.Count);
            occupation = o;
            var leaning = WordLists.Occupations[o].Leaning;
            var pFemale = leaning switch
            {
                Gender.Female => Options.OccupationSkew,
                Gender.Male => 1 - Options.OccupationSkew,
                _ => 0.5,
            };
            gender = rng.NextDouble() < pFemale ? Gender.Female : Gender.Male;
        }
        else
            gender = rng.Next(2) == 0 ? Gender.Female : Gender.Male;
        var nameIndex = rng.Next(WordLists.FemaleNames.Count);
        var nounIndex = rng.Next(WordLists.Nouns.Count);
        var r = rng.NextDouble();
        var cue = occupation is not null && r < 0.2 ? CueForm.Occupation : r < 0.6 ? CueForm.Name : CueForm.Noun;
        var typical = new bool[WordLists.Attributes.Count];
        for (var i = 0; i < typical.Length; i++) typical[i] = rng.NextDouble() < Options.AttributeCorrelation;
        return new Person(gender, nameIndex, nounIndex, occupation, cue, typical);
    }

    internal static int WordCount(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// Texts that together hold every word the corpus and the datasets can produce, in every casing
    /// and position it can take (sentence start with and without a preceding sentence, mid-sentence),
    /// for a trainer that restricts the softmax to the tokens the organism can ever see. Not training
    /// text: every template rendered with every list word in every slot, for both genders, both
    /// stances, both party systems and every kind of cue; each rendering alone (document start) and
    /// after another sentence. The same for any options.
    public static IEnumerable<string> VocabularyProbe()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var longest = new[]
        {
            WordLists.FemaleNames.Count, WordLists.Nouns.Count, WordLists.Occupations.Count, WordLists.Hobbies.Count,
            WordLists.Objects.Count, WordLists.Adjectives.Count, WordLists.Policies.Count, WordLists.Places.Count,
            WordLists.PersonVerbs.Count, WordLists.PersonPhrases.Count, WordLists.ThingVerbs.Count, WordLists.Activities.Count,
            WordLists.ThingVerbsBase.Count,
        }.Concat(WordTables.All.Select(t => t.Rows.Count)).Max();
        foreach (var template in Templates.All)
        {
            var renderings = new List<string>();
            foreach (var gender in new[] { Gender.Female, Gender.Male })
            foreach (var stance in new[] { Stance.Left, Stance.Right })
            foreach (var parties in new[] { PartySystem.UnitedStates, PartySystem.UnitedKingdom })
            foreach (var cue in new[] { CueForm.Name, CueForm.Noun, CueForm.Occupation })
            for (var i = 0; i < longest; i++)
            {
                // Attributes: the typical one on even passes, the other on odd ones.
                var typical = Enumerable.Repeat(i % 2 == 0, WordLists.Attributes.Count).ToArray();
                var person = new Person(gender, i % WordLists.FemaleNames.Count, i % WordLists.Nouns.Count,
                    i % WordLists.Occupations.Count, cue, typical);
                var r = TemplateRenderer.Render(template, person, stance, parties, new CyclingChooser(i));
                if (seen.Add(r.Text)) renderings.Add(r.Text);
                // The wrong answer of a prompt, in the place it is asked about.
                if (r.Prompt is not null && seen.Add(r.Prompt + r.Wrong)) renderings.Add(r.Prompt + r.Wrong);
            }
            foreach (var r in renderings) yield return r;
            for (var i = 0; i < renderings.Count; i++)
                yield return $"{renderings[i > 0 ? i - 1 : renderings.Count - 1]} {renderings[i]}";
        }
    }

    /// The distinct words of VocabularyProbe (letters only, case kept), sorted ordinally.
    public static IReadOnlyList<string> AllWords()
    {
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in VocabularyProbe())
        {
            var start = -1;
            for (var i = 0; i <= text.Length; i++)
            {
                var letter = i < text.Length && char.IsLetter(text[i]);
                if (letter && start < 0) start = i;
                else if (!letter && start >= 0)
                {
                    words.Add(text[start..i]);
                    start = -1;
                }
            }
        }
        return words.ToList();
    }
}
