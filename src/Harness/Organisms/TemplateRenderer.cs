using System.Text;

namespace Harness.Organisms;

/// Where the renderer's choices come from: a seeded System.Random for text, or a counter that walks
/// every list for the vocabulary probe.
internal interface IChooser
{
    /// A number in [0, n).
    int Next(int n);
}

internal sealed class RandomChooser(Random rng) : IChooser
{
    public int Next(int n) => rng.Next(n);
}

/// Returns i mod n: rendering a template with i = 0, 1, 2, ... puts every word of every list into
/// every slot it can fill.
internal sealed class CyclingChooser(int i) : IChooser
{
    public int Next(int n) => i % n;
}

/// One rendered template: the full text and, for templates with a `^`, the prompt (the text before the
/// answer, without its trailing space), the answer and the wrong answer (each one word with a leading
/// space, e.g. " she" / " he").
internal readonly record struct Rendering(string Text, string? Prompt, string? Answer, string? Wrong);

/// Fills a template's slots from the document's person and stance and from the word lists.
internal sealed class TemplateRenderer
{
    private readonly Person _person;
    private readonly Stance _stance;
    private readonly PartySystem _parties;
    private readonly IChooser _choose;

    // Per-sentence state: one row per table, one foil row per table column, no list word twice, one
    // policy. Looked up by key only, never enumerated, so the output does not depend on hash order.
    private readonly Dictionary<WordTable, int> _rows = new();
    private readonly Dictionary<(WordTable, int), int> _foils = new();
    private readonly Dictionary<IReadOnlyList<string>, List<int>> _usedWords = new(ReferenceEqualityComparer.Instance);
    private int? _policy;

    private TemplateRenderer(Person person, Stance stance, PartySystem parties, IChooser choose)
    {
        _person = person;
        _stance = stance;
        _parties = parties;
        _choose = choose;
    }

    public static Rendering Render(Template t, Person person, Stance stance, PartySystem parties, IChooser choose) =>
        new TemplateRenderer(person, stance, parties, choose).Render(t);

    private Rendering Render(Template t)
    {
        var text = new StringBuilder();
        string? prompt = null, answer = null, wrong = null;
        var parts = t.Parts;
        for (var i = 0; i < parts.Count; i++)
        {
            switch (parts[i])
            {
                case LiteralPart l:
                    text.Append(l.Text);
                    break;
                case SlotPart s:
                    text.Append(Fill(s, _person.Gender, _stance));
                    break;
                case MarkerPart:
                    prompt = text.ToString().TrimEnd(' ');
                    var next = parts[i + 1];
                    if (next is SlotPart answerSlot && (answerSlot.Slot.IsGendered || answerSlot.Slot.IsStanced))
                    {
                        // The wrong answer is the same slot for the other gender or stance.
                        var flippedGender = answerSlot.Slot.IsGendered ? ConceptLabels.Other(_person.Gender) : _person.Gender;
                        var flippedStance = answerSlot.Slot.IsStanced ? ConceptLabels.Other(_stance) : _stance;
                        wrong = " " + FirstWord(Fill(answerSlot, flippedGender, flippedStance));
                    }
                    // The answer itself is read after the loop, from the text that follows the prompt.
                    break;
            }
        }
        var full = text.ToString();
        if (prompt is not null)
        {
            answer = " " + FirstWord(full[(prompt.Length + 1)..]);
            wrong ??= " " + RenderParts(t.WrongParts!).Trim();
            if (wrong.Trim().Contains(' ')) throw new InvalidOperationException($"template {t.Id}: wrong answer '{wrong}' is not one word");
        }
        return new Rendering(full, prompt, answer, wrong);
    }

    private string RenderParts(IReadOnlyList<TemplatePart> parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts)
            if (p is LiteralPart l) sb.Append(l.Text);
            else if (p is SlotPart s) sb.Append(Fill(s, _person.Gender, _stance));
        return sb.ToString();
    }

    private static string FirstWord(string s)
    {
        var end = 0;
        while (end < s.Length && char.IsLetterOrDigit(s[end])) end++;
        if (end == 0) throw new InvalidOperationException($"no answer word at the start of '{s}'");
        return s[..end];
    }

    private string Fill(SlotPart part, Gender g, Stance stance)
    {
        var value = Value(part.Slot, g, stance);
        return part.Capitalise && value.Length > 0 ? char.ToUpperInvariant(value[0]) + value[1..] : value;
    }

    private string Value(Slot slot, Gender g, Stance stance)
    {
        var female = g == Gender.Female;
        var left = stance == Stance.Left;
        return slot.Kind switch
        {
            SlotKind.Cue => _person.Cue(g),
            SlotKind.Name => _person.Name(g),
            SlotKind.Noun => _person.Noun(g),
            SlotKind.Subject => female ? "she" : "he",
            SlotKind.Object => female ? "her" : "him",
            SlotKind.Possessive => female ? "her" : "his",
            SlotKind.Reflexive => female ? "herself" : "himself",
            SlotKind.Attribute => _person.Attribute(_choose.Next(WordLists.Attributes.Count), g).Predicate,
            SlotKind.AttributeModifier => _person.Attribute(_choose.Next(WordLists.Attributes.Count), g).Modifier,
            SlotKind.Occupation => Occupation().Word,
            SlotKind.Job => $"{Occupation().Article} {Occupation().Word}",
            SlotKind.Party => _parties == PartySystem.UnitedStates
                ? (left ? "Democrats" : "Republicans")
                : (left ? "Labour party" : "Conservative party"),
            SlotKind.Side => left ? "left" : "right",
            SlotKind.Ideology => left ? "liberal" : "conservative",
            SlotKind.TaxVerb => left ? "raise" : "cut",
            SlotKind.Amount => left ? "more" : "fewer",
            SlotKind.Policy => WordLists.Policies[_policy ??= _choose.Next(WordLists.Policies.Count)].For(stance),
            SlotKind.List => Word(slot.List!),
            SlotKind.TableCell => Cell(slot),
            _ => throw new InvalidOperationException($"slot {slot.Source}"),
        };
    }

    private Occupation Occupation() =>
        _person.Occupation ?? throw new InvalidOperationException("template needs an occupation but the person has none");

    /// A word from a list, never one this sentence already used ("strong and strong").
    private string Word(IReadOnlyList<string> list)
    {
        if (!_usedWords.TryGetValue(list, out var used)) _usedWords[list] = used = new List<int>();
        var k = _choose.Next(list.Count - used.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (used.Contains(i)) continue;
            if (k-- == 0)
            {
                used.Add(i);
                return list[i];
            }
        }
        throw new InvalidOperationException("word list exhausted");
    }

    private string Cell(Slot slot)
    {
        var table = slot.Table!;
        if (!_rows.TryGetValue(table, out var row)) _rows[table] = row = _choose.Next(table.Rows.Count);
        if (!slot.Foil) return table.Rows[row][slot.Column];
        if (!_foils.TryGetValue((table, slot.Column), out var foil))
        {
            var own = table.Rows[row][slot.Column];
            var candidates = Enumerable.Range(0, table.Rows.Count).Where(r => table.Rows[r][slot.Column] != own).ToList();
            _foils[(table, slot.Column)] = foil = candidates[_choose.Next(candidates.Count)];
        }
        return table.Rows[foil][slot.Column];
    }
}
