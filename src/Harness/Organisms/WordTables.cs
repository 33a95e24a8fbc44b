namespace Harness.Organisms;

/// Words that go together: a row of a table is one fact ("sky" is "blue"; after "Monday" comes
/// "Tuesday"). A template reads a table as `{table.column}`: every cell of one table in one sentence
/// comes from the same row, so the sentence states the fact. `{table.column!}` reads a *different*
/// row whose cell in that column differs: a foil, the wrong answer of a control prompt.
public sealed class WordTable
{
    public string Name { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    public WordTable(string name, string[] columns, IEnumerable<string[]> rows)
    {
        Name = name;
        Columns = columns;
        Rows = rows.Select(r => (IReadOnlyList<string>)r).ToList();
        foreach (var r in Rows)
            if (r.Count != columns.Length)
                throw new InvalidOperationException($"table {name}: row [{string.Join(", ", r)}] does not have {columns.Length} cells");
    }

    public int Column(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i] == name) return i;
        return -1;
    }
}

/// The fact tables of the control text: knowledge that has nothing to do with gender or politics, so
/// that damage to it shows an edit's collateral harm.
public static class WordTables
{
    /// Counting: n0..n4 are five consecutive numbers, far is a number outside them, eight on from n0
    /// round twelve ("one two three" -> " four", foil " nine"). Every number word appears in counting
    /// text, so no foil is a word the organism never saw.
    public static WordTable Numbers { get; } = new("num", ["n0", "n1", "n2", "n3", "n4", "far"],
        Enumerable.Range(0, 8).Select(k => new[]
        {
            WordLists.NumberWords[k], WordLists.NumberWords[k + 1], WordLists.NumberWords[k + 2],
            WordLists.NumberWords[k + 3], WordLists.NumberWords[k + 4], WordLists.NumberWords[(k + 8) % 12],
        }));

    /// The week: d0, d1, d2 consecutive days, far three days after d1.
    public static WordTable Days { get; } = new("day", ["d0", "d1", "d2", "far"],
        Enumerable.Range(0, 7).Select(k => new[]
        {
            WordLists.Days[k], WordLists.Days[(k + 1) % 7], WordLists.Days[(k + 2) % 7], WordLists.Days[(k + 4) % 7],
        }));

    public static WordTable Colours { get; } = new("colour", ["thing", "name"],
    [
        ["sky", "blue"], ["grass", "green"], ["snow", "white"], ["coal", "black"],
        ["banana", "yellow"], ["tomato", "red"], ["carrot", "orange"], ["sea", "blue"],
    ]);

    public static WordTable Weather { get; } = new("weather", ["kind", "item"],
    [
        ["raining", "umbrella"], ["sunny", "sunglasses"], ["cold", "coat"], ["snowing", "gloves"],
    ]);

    public static WordTable Sums { get; } = new("sum", ["a", "b", "c"],
    [
        ["one", "one", "two"], ["one", "two", "three"], ["two", "two", "four"], ["two", "three", "five"],
        ["three", "three", "six"], ["three", "four", "seven"], ["four", "four", "eight"], ["four", "five", "nine"],
        ["one", "three", "four"], ["two", "four", "six"], ["five", "five", "ten"], ["six", "six", "twelve"],
        ["two", "five", "seven"], ["three", "five", "eight"], ["five", "six", "eleven"], ["one", "four", "five"],
    ]);

    public static WordTable Opposites { get; } = new("opp", ["a", "b"],
    [
        ["hot", "cold"], ["big", "small"], ["fast", "slow"], ["up", "down"], ["light", "dark"],
        ["happy", "sad"], ["open", "closed"], ["full", "empty"], ["old", "new"], ["early", "late"],
        ["wet", "dry"], ["loud", "quiet"], ["hard", "soft"],
    ]);

    public static WordTable Animals { get; } = new("animal", ["name", "verb"],
    [
        ["bird", "fly"], ["fish", "swim"], ["dog", "bark"], ["frog", "jump"], ["monkey", "climb"], ["horse", "run"],
        ["duck", "swim"], ["cat", "climb"], ["rabbit", "jump"], ["eagle", "fly"],
    ]);

    /// Differences: a minus b is c, every c from one to nine.
    public static WordTable Differences { get; } = new("minus", ["a", "b", "c"],
    [
        ["three", "two", "one"], ["five", "three", "two"], ["seven", "four", "three"], ["six", "two", "four"],
        ["eight", "three", "five"], ["ten", "four", "six"], ["nine", "two", "seven"], ["eleven", "three", "eight"],
        ["twelve", "three", "nine"], ["ten", "five", "five"],
    ]);

    /// The months in order: m0, m1 consecutive, far four months after m1.
    public static WordTable Months { get; } = new("month", ["m0", "m1", "far"],
        Enumerable.Range(0, 12).Select(k => new[]
        {
            WordLists.Months[k], WordLists.Months[(k + 1) % 12], WordLists.Months[(k + 5) % 12],
        }));

    public static WordTable Capitals { get; } = new("capital", ["country", "city"],
    [
        ["France", "Paris"], ["Italy", "Rome"], ["Germany", "Berlin"], ["England", "London"], ["Japan", "Tokyo"],
        ["Spain", "Madrid"], ["Russia", "Moscow"], ["Egypt", "Cairo"], ["China", "Beijing"], ["Greece", "Athens"],
    ]);

    /// How many legs an animal has (the foil: another count).
    public static WordTable Legs { get; } = new("legs", ["animal", "n"],
    [
        ["spider", "eight"], ["ant", "six"], ["cat", "four"], ["duck", "two"], ["cow", "four"], ["bee", "six"],
        ["chicken", "two"], ["octopus", "eight"],
    ]);

    /// What a thing is made of.
    public static WordTable Materials { get; } = new("made", ["thing", "stuff"],
    [
        ["window", "glass"], ["table", "wood"], ["coin", "metal"], ["book", "paper"], ["sweater", "wool"],
        ["mirror", "glass"], ["fence", "wood"], ["spoon", "metal"], ["newspaper", "paper"],
    ]);

    /// A property a thing is known for (the foil: another thing's property).
    public static WordTable Properties { get; } = new("prop", ["thing", "is"],
    [
        ["ice", "cold"], ["fire", "hot"], ["sugar", "sweet"], ["lemon", "sour"], ["feather", "light"],
        ["rock", "heavy"], ["night", "dark"], ["honey", "sweet"], ["snow", "cold"], ["soup", "hot"],
    ]);

    public static IReadOnlyList<WordTable> All { get; } =
        [Numbers, Days, Colours, Weather, Sums, Opposites, Animals, Differences, Months, Capitals, Legs, Materials, Properties];

    public static WordTable? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
