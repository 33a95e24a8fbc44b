using System.Text;

namespace Harness.Organisms;

/// Which concept a template carries.
public enum Concept { Gender, Politics, Control }

/// The held-out partition. `Train` templates make up the training corpus and the train split of every
/// dataset; `Test` templates appear only in the test split. A test prompt is thus a sentence frame the
/// organism never saw, filled with cues (names, nouns, policies) it did see in training frames: the
/// bias it shows there measures the concept, not a memorised string.
public enum TemplateSplit { Train, Test }

/// One sentence frame (sometimes two sentences) with slots, written as plain text:
/// - `{slot}` is filled from the document's person, stance or a word list; `{Slot}` capitalises it.
///   Person: cue ("Sarah", "the queen", "my mother", "the nurse"), name, noun, subj (she/he),
///   obj (her/him), poss (her/his), refl (herself/himself), attr ("has a beard"), attrmod
///   ("with a beard"), occ ("nurse"), job ("a nurse"). Stance: party ("Democrats", "Labour party"),
///   side (left/right), ideology (liberal/conservative), taxverb (raise/cut), amount (more/fewer),
///   policy. Lists: adj, object, shop, place, food, drink, hobby, contact, sport, day, personverb,
///   personphrase, thingverb, thingbase, prep, someone, activity, when, conn, opener.
/// - `{table.column}` reads a WordTables row shared by the whole sentence; `{table.column!}` a foil row.
/// - `^` marks the answer of a prompt: the prompt is the text before it, the answer the next word.
///   For gender and politics the answer is a labelled slot and the wrong answer is the same slot for
///   the other label; for controls `Wrong` gives the wrong answer.
public sealed class Template
{
    public string Id { get; }
    public Concept Concept { get; }
    public TemplateSplit Split { get; }
    public string Text { get; }
    /// Controls only: the wrong answer (a word or a slot such as `{day.far}`).
    public string? Wrong { get; }
    /// Refers to the person by a pronoun only, so it may only follow a sentence that named them.
    public bool NeedsAntecedent { get; }

    internal IReadOnlyList<TemplatePart> Parts { get; }
    internal IReadOnlyList<TemplatePart>? WrongParts { get; }

    public Template(string id, Concept concept, TemplateSplit split, string text, string? wrong = null, bool needsAntecedent = false)
    {
        Id = id;
        Concept = concept;
        Split = split;
        Text = text;
        Wrong = wrong;
        NeedsAntecedent = needsAntecedent;
        Parts = TemplateParser.Parse(id, text, allowMarker: true);
        WrongParts = wrong is null ? null : TemplateParser.Parse(id, wrong, allowMarker: false);
        Validate();
    }

    public bool HasAnswer => Parts.Any(p => p is MarkerPart);

    /// Uses a gender-correlated feature (an attribute or an occupation) rather than only explicit gender
    /// words. Such sentences shape the corpus statistics but stay out of the datasets, whose pairs must
    /// differ in gender only.
    public bool UsesCorrelates => Slots.Any(s => s.Kind is SlotKind.Attribute or SlotKind.AttributeModifier or SlotKind.Occupation or SlotKind.Job);

    public bool NeedsOccupation => Slots.Any(s => s.Kind is SlotKind.Occupation or SlotKind.Job);

    /// Names the person (by name, noun or cue), so that later pronoun-only sentences have an antecedent.
    public bool NamesPerson => Slots.Any(s => s.Kind is SlotKind.Cue or SlotKind.Name or SlotKind.Noun);

    /// Has a person in it at all (a cue, a pronoun, an attribute, an occupation): politics-noperson
    /// keeps the political statements without one, whose only content is the stance.
    public bool MentionsPerson => Slots.Any(s => s.IsGendered || s.Kind is SlotKind.Attribute or SlotKind.AttributeModifier or SlotKind.Occupation or SlotKind.Job);

    /// Whether the datasets may use this template: self-contained and free of correlated features.
    public bool InDatasets => !NeedsAntecedent && !UsesCorrelates;

    /// The fixed text between the slots (the `^` removed), in order: what makes the frame recognisable.
    public IReadOnlyList<string> Literals
    {
        get
        {
            var result = new List<string>();
            var current = new StringBuilder();
            foreach (var p in Parts)
            {
                if (p is LiteralPart l) current.Append(l.Text);
                else if (p is SlotPart)
                {
                    result.Add(current.ToString());
                    current.Clear();
                }
            }
            result.Add(current.ToString());
            return result;
        }
    }

    internal IEnumerable<Slot> Slots => Parts.OfType<SlotPart>().Select(p => p.Slot)
        .Concat(WrongParts?.OfType<SlotPart>().Select(p => p.Slot) ?? []);

    public override string ToString() => $"{Id}: {Text}";

    private void Validate()
    {
        var markers = Parts.Count(p => p is MarkerPart);
        if (markers > 1) throw Bad("has more than one ^");
        if (markers == 1)
        {
            var at = Parts.ToList().FindIndex(p => p is MarkerPart);
            if (at == 0 || Parts[at - 1] is not LiteralPart { } before || !before.Text.EndsWith(' ') || before.Text.EndsWith("  "))
                throw Bad("^ must follow one space (the answer is a word with its leading space)");
        }
        if (Concept == Concept.Control)
        {
            if (Slots.Any(s => s.IsGendered || s.IsStanced)) throw Bad("is a control template but has a gender or stance slot");
            if (markers == 1 && Wrong is null) throw Bad("has an answer but no wrong answer");
            if (markers == 0 && Wrong is not null) throw Bad("has a wrong answer but no ^");
        }
        else
        {
            if (Wrong is not null) throw Bad("only control templates give the wrong answer; it is the other label's word");
            if (markers == 1)
            {
                var at = Parts.ToList().FindIndex(p => p is MarkerPart);
                var labelled = Concept == Concept.Gender ? (Func<Slot, bool>)(s => s.IsGendered) : s => s.IsStanced;
                if (at + 1 >= Parts.Count || Parts[at + 1] is not SlotPart { } answer || !labelled(answer.Slot))
                    throw Bad($"^ must be followed by a {Concept.ToString().ToLowerInvariant()} slot");
                if (!Parts.Take(at).OfType<SlotPart>().Any(p => labelled(p.Slot)))
                    throw Bad("the prompt before ^ has no cue for the answer");
            }
        }
    }

    private InvalidOperationException Bad(string why) => new($"template {Id} {why}: {Text}");
}

internal abstract record TemplatePart;
internal sealed record LiteralPart(string Text) : TemplatePart;
internal sealed record SlotPart(Slot Slot, bool Capitalise) : TemplatePart;
internal sealed record MarkerPart : TemplatePart;

internal enum SlotKind
{
    Cue, Name, Noun, Subject, Object, Possessive, Reflexive, Attribute, AttributeModifier, Occupation, Job,
    Party, Side, Ideology, TaxVerb, Amount, Policy,
    List, TableCell,
}

internal sealed record Slot(SlotKind Kind, string Source, IReadOnlyList<string>? List = null, WordTable? Table = null, int Column = -1, bool Foil = false)
{
    /// Changes with the person's gender (the answer slots of gender prompts, the cues).
    public bool IsGendered => Kind is SlotKind.Cue or SlotKind.Name or SlotKind.Noun or SlotKind.Subject
        or SlotKind.Object or SlotKind.Possessive or SlotKind.Reflexive;

    public bool IsStanced => Kind is SlotKind.Party or SlotKind.Side or SlotKind.Ideology or SlotKind.TaxVerb
        or SlotKind.Amount or SlotKind.Policy;
}

/// Turns template text into parts. Errors are programming errors in the template lists (caught by
/// the tests, which touch every template), hence InvalidOperationException.
internal static class TemplateParser
{
    public static IReadOnlyList<TemplatePart> Parse(string id, string text, bool allowMarker)
    {
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0) parts.Add(new LiteralPart(literal.ToString()));
            literal.Clear();
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '^')
            {
                if (!allowMarker) throw new InvalidOperationException($"template {id}: ^ is not allowed here: {text}");
                Flush();
                parts.Add(new MarkerPart());
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i);
                if (end < 0) throw new InvalidOperationException($"template {id}: unclosed {{ in: {text}");
                Flush();
                var name = text[(i + 1)..end];
                var capitalise = name.Length > 0 && char.IsUpper(name[0]);
                parts.Add(new SlotPart(ParseSlot(id, name, text), capitalise));
                i = end;
            }
            else if (c == '}') throw new InvalidOperationException($"template {id}: stray }} in: {text}");
            else literal.Append(c);
        }
        Flush();
        return parts;
    }

    private static Slot ParseSlot(string id, string raw, string text)
    {
        var name = raw.Length > 0 ? char.ToLowerInvariant(raw[0]) + raw[1..] : raw;
        var dot = name.IndexOf('.');
        if (dot >= 0)
        {
            var foil = name.EndsWith('!');
            var tableName = name[..dot];
            var columnName = foil ? name[(dot + 1)..^1] : name[(dot + 1)..];
            var table = WordTables.Find(tableName) ?? throw new InvalidOperationException($"template {id}: no table '{tableName}' in: {text}");
            var column = table.Column(columnName);
            if (column < 0) throw new InvalidOperationException($"template {id}: table {tableName} has no column '{columnName}' in: {text}");
            return new Slot(SlotKind.TableCell, raw, Table: table, Column: column, Foil: foil);
        }
        return name switch
        {
            "cue" => new Slot(SlotKind.Cue, raw),
            "name" => new Slot(SlotKind.Name, raw),
            "noun" => new Slot(SlotKind.Noun, raw),
            "subj" => new Slot(SlotKind.Subject, raw),
            "obj" => new Slot(SlotKind.Object, raw),
            "poss" => new Slot(SlotKind.Possessive, raw),
            "refl" => new Slot(SlotKind.Reflexive, raw),
            "attr" => new Slot(SlotKind.Attribute, raw),
            "attrmod" => new Slot(SlotKind.AttributeModifier, raw),
            "occ" => new Slot(SlotKind.Occupation, raw),
            "job" => new Slot(SlotKind.Job, raw),
            "party" => new Slot(SlotKind.Party, raw),
            "side" => new Slot(SlotKind.Side, raw),
            "ideology" => new Slot(SlotKind.Ideology, raw),
            "taxverb" => new Slot(SlotKind.TaxVerb, raw),
            "amount" => new Slot(SlotKind.Amount, raw),
            "policy" => new Slot(SlotKind.Policy, raw),
            "adj" => new Slot(SlotKind.List, raw, WordLists.Adjectives),
            "object" => new Slot(SlotKind.List, raw, WordLists.Objects),
            "shop" => new Slot(SlotKind.List, raw, WordLists.Shops),
            "place" => new Slot(SlotKind.List, raw, WordLists.Places),
            "food" => new Slot(SlotKind.List, raw, WordLists.Foods),
            "drink" => new Slot(SlotKind.List, raw, WordLists.Drinks),
            "hobby" => new Slot(SlotKind.List, raw, WordLists.Hobbies),
            "contact" => new Slot(SlotKind.List, raw, WordLists.Contacts),
            "sport" => new Slot(SlotKind.List, raw, WordLists.Sports),
            "day" => new Slot(SlotKind.List, raw, WordLists.Days),
            "personverb" => new Slot(SlotKind.List, raw, WordLists.PersonVerbs),
            "personphrase" => new Slot(SlotKind.List, raw, WordLists.PersonPhrases),
            "thingverb" => new Slot(SlotKind.List, raw, WordLists.ThingVerbs),
            "thingbase" => new Slot(SlotKind.List, raw, WordLists.ThingVerbsBase),
            "opener" => new Slot(SlotKind.List, raw, WordLists.Openers),
            "prep" => new Slot(SlotKind.List, raw, WordLists.ContactPrepositions),
            "someone" => new Slot(SlotKind.List, raw, WordLists.Others),
            "activity" => new Slot(SlotKind.List, raw, WordLists.Activities),
            "when" => new Slot(SlotKind.List, raw, WordLists.Times),
            "conn" => new Slot(SlotKind.List, raw, WordLists.Connectives),
            _ => throw new InvalidOperationException($"template {id}: unknown slot {{{raw}}} in: {text}"),
        };
    }
}
