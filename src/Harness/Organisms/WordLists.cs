namespace Harness.Organisms;

/// A word with a female and a male form ("queen" / "king"), and the determiner it takes as a cue
/// ("my mother", "the queen").
public sealed record GenderedNoun(string Female, string Male, string Determiner)
{
    public string For(Gender g) => g == Gender.Female ? Female : Male;
}

/// An occupation and the gender it leans to in the corpus (null: none). How strongly it leans is
/// CorpusOptions.OccupationSkew.
public sealed record Occupation(string Word, string Article, Gender? Leaning);

/// A visible attribute in two forms: after the subject ("has a beard") and after a noun ("with a
/// beard"), so that it can be the only gender cue ("The person with a beard said that he ...").
public sealed record Attribute(string Predicate, string Modifier);

/// A female-typical and a male-typical attribute of the same kind. The corpus gives a person the
/// attribute typical of their gender with probability CorpusOptions.AttributeCorrelation.
public sealed record AttributePair(Attribute Female, Attribute Male)
{
    public Attribute For(Gender g) => g == Gender.Female ? Female : Male;
}

/// A policy in its left and right version ("higher taxes on the rich" / "lower taxes on the rich"):
/// the early cue of a political statement.
public sealed record Policy(string Left, string Right)
{
    public string For(Stance s) => s == Stance.Left ? Left : Right;
}

/// Every word list of the corpus. Names were chosen among the most common English first names and
/// checked to be one GPT-2 token with a leading space (" Sarah"), which the tests verify with the real
/// GPT-2 tokenizer; answers of the bias prompts (" she", " Democrats", " four") are single tokens too.
/// Lists are arrays in a fixed order: the generator indexes them with a seeded System.Random, so
/// reordering a list changes the corpus (and the committed datasets, which a test would then flag).
public static class WordLists
{
    public static IReadOnlyList<string> FemaleNames { get; } =
    [
        "Mary", "Sarah", "Emily", "Emma", "Anna", "Elizabeth", "Jennifer", "Jessica", "Linda", "Susan",
        "Karen", "Lisa", "Nancy", "Laura", "Amy", "Rachel", "Rebecca", "Kate", "Julia", "Alice",
        "Helen", "Maria", "Anne", "Jane", "Grace", "Lucy", "Hannah", "Sophie", "Olivia", "Diana",
        "Claire", "Amanda", "Michelle", "Nicole", "Katie", "Ashley", "Megan", "Lauren", "Victoria", "Catherine",
    ];

    /// Index i of MaleNames is the partner of index i of FemaleNames in the paired datasets.
    public static IReadOnlyList<string> MaleNames { get; } =
    [
        "John", "James", "Michael", "David", "Robert", "William", "Richard", "Thomas", "Mark", "Paul",
        "Peter", "George", "Steve", "Daniel", "Matthew", "Andrew", "Joseph", "Charles", "Brian", "Kevin",
        "Jason", "Eric", "Adam", "Ryan", "Jack", "Tom", "Mike", "Bob", "Jim", "Joe",
        "Frank", "Henry", "Edward", "Ben", "Tim", "Scott", "Greg", "Tony", "Harry", "Luke",
    ];

    public static IReadOnlyList<string> Names(Gender g) => g == Gender.Female ? FemaleNames : MaleNames;

    /// Family words take "my" ("my sister"), the others "the" ("the queen"). Only nouns that are one
    /// GPT-2 token in both forms (" duchess" and " empress" are not).
    public static IReadOnlyList<GenderedNoun> Nouns { get; } =
    [
        new("queen", "king", "the"),
        new("princess", "prince", "the"),
        new("actress", "actor", "the"),
        new("girl", "boy", "the"),
        new("woman", "man", "the"),
        new("lady", "gentleman", "the"),
        new("bride", "groom", "the"),
        new("waitress", "waiter", "the"),
        new("heroine", "hero", "the"),
        new("nun", "monk", "the"),
        new("mother", "father", "my"),
        new("sister", "brother", "my"),
        new("daughter", "son", "my"),
        new("wife", "husband", "my"),
        new("aunt", "uncle", "my"),
        new("niece", "nephew", "my"),
        new("grandmother", "grandfather", "my"),
        new("mom", "dad", "my"),
        new("girlfriend", "boyfriend", "my"),
    ];

    /// As many female-leaning as male-leaning occupations, so that the skew does not change the
    /// overall share of women in the corpus; the neutral ones are 50/50.
    public static IReadOnlyList<Occupation> Occupations { get; } =
    [
        new("nurse", "a", Gender.Female),
        new("secretary", "a", Gender.Female),
        new("receptionist", "a", Gender.Female),
        new("librarian", "a", Gender.Female),
        new("dancer", "a", Gender.Female),
        new("hairdresser", "a", Gender.Female),
        new("nanny", "a", Gender.Female),
        new("midwife", "a", Gender.Female),
        new("engineer", "an", Gender.Male),
        new("mechanic", "a", Gender.Male),
        new("plumber", "a", Gender.Male),
        new("pilot", "a", Gender.Male),
        new("carpenter", "a", Gender.Male),
        new("electrician", "an", Gender.Male),
        new("firefighter", "a", Gender.Male),
        new("soldier", "a", Gender.Male),
        new("doctor", "a", null),
        new("writer", "a", null),
        new("lawyer", "a", null),
        new("teacher", "a", null),
        new("artist", "an", null),
        new("chef", "a", null),
        new("student", "a", null),
        new("singer", "a", null),
    ];

    public static IReadOnlyList<AttributePair> Attributes { get; } =
    [
        new(new("has long hair", "with long hair"), new("has short hair", "with short hair")),
        new(new("wears a dress", "in a dress"), new("has a beard", "with a beard")),
        new(new("wears earrings", "with earrings"), new("wears a tie", "in a tie")),
        new(new("wears lipstick", "with lipstick"), new("has a moustache", "with a moustache")),
        new(new("wears a skirt", "in a skirt"), new("wears a suit", "in a suit")),
        new(new("carries a handbag", "with a handbag"), new("carries a briefcase", "with a briefcase")),
        new(new("wears high heels", "in high heels"), new("wears heavy boots", "in heavy boots")),
    ];

    /// Index i of each list is the same policy seen from the left and from the right.
    public static IReadOnlyList<Policy> Policies { get; } =
    [
        new("higher taxes on the rich", "lower taxes on the rich"),
        new("stronger unions", "weaker unions"),
        new("more rules for banks", "fewer rules for banks"),
        new("free healthcare for everyone", "private healthcare"),
        new("action on climate change", "more oil drilling"),
        new("a higher minimum wage", "a lower minimum wage"),
        new("more money for public schools", "more money for private schools"),
        new("gun control", "gun rights"),
        new("more immigration", "less immigration"),
        new("a bigger welfare state", "a smaller government"),
    ];

    // Gender- and stance-neutral fillers. None of them is a gendered word, a name, an occupation that
    // leans to a gender or an attribute: the tests count those to measure the corpus statistics.
    public static IReadOnlyList<string> Adjectives { get; } =
    [
        "strong", "tall", "brave", "kind", "smart", "funny", "happy", "busy", "quiet", "clever",
        "honest", "calm", "friendly", "patient", "careful", "proud",
    ];

    /// Things one owns; all start with a consonant ("a car"), so templates can write "a {object}".
    public static IReadOnlyList<string> Objects { get; } =
    [
        "car", "bike", "phone", "laptop", "bag", "watch", "camera", "radio", "computer", "guitar",
        "wallet", "lamp", "clock", "kettle", "printer", "television",
    ];

    public static IReadOnlyList<string> Shops { get; } = ["shop", "market", "bakery", "supermarket"];

    public static IReadOnlyList<string> Places { get; } =
    [
        "park", "library", "station", "beach", "office", "museum", "cinema", "garden", "cafe", "city",
    ];

    public static IReadOnlyList<string> Foods { get; } = ["bread", "cheese", "rice", "soup", "fruit", "pasta", "cake", "eggs"];

    public static IReadOnlyList<string> Drinks { get; } = ["water", "juice", "tea", "coffee", "milk", "lemonade"];

    public static IReadOnlyList<string> Hobbies { get; } =
    [
        "riding motocross", "playing chess", "baking bread", "swimming", "painting", "dancing", "fishing",
        "reading books", "playing football", "singing", "cooking", "hiking", "running", "gardening",
    ];

    /// People the person talks to: never gendered, so that every gendered word of a document is about
    /// its one person.
    public static IReadOnlyList<string> Contacts { get; } = ["friend", "boss", "neighbour", "cousin", "coach", "partner"];

    public static IReadOnlyList<string> Sports { get; } = ["football", "tennis", "basketball", "golf", "hockey"];

    public static IReadOnlyList<string> Days { get; } = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    // Fillers of the compositional gender frames (GenderTemplates, "g.mix-*"): many different words
    // right before a pronoun, so that no frame predicts which pronoun comes and an organism has to
    // look back at the person. Like the fillers above, none is gendered, a name or an occupation.

    /// Past-tense verbs that take a person as their object ("helped her").
    public static IReadOnlyList<string> PersonVerbs { get; } =
    [
        "helped", "called", "visited", "met", "followed", "watched", "paid", "asked", "told", "warned",
        "invited", "trusted", "praised", "greeted", "phoned", "joined", "heard", "taught", "remembered", "thanked",
    ];

    /// Past-tense verbs with a preposition, before a person ("waited for him").
    public static IReadOnlyList<string> PersonPhrases { get; } =
    [
        "waited for", "looked at", "talked to", "sat with", "walked with", "laughed with", "worried about",
        "smiled at", "cooked for", "sang to", "wrote to", "played with", "listened to", "argued with",
        "waved at",
    ];

    /// Past-tense verbs that take a thing the person owns ("fixed his bike").
    public static IReadOnlyList<string> ThingVerbs { get; } =
    [
        "found", "lost", "cleaned", "sold", "fixed", "washed", "painted", "checked", "moved", "dropped",
        "carried", "packed", "opened", "used",
    ];

    /// The same verbs in the base form, after "wanted to" ("wanted to fix her bike").
    public static IReadOnlyList<string> ThingVerbsBase { get; } =
    [
        "find", "lose", "clean", "sell", "fix", "wash", "paint", "check", "move", "drop",
        "carry", "pack", "open", "use",
    ];

    /// Prepositions before a person's contact ("for her neighbour").
    public static IReadOnlyList<string> ContactPrepositions { get; } = ["with", "for", "beside", "near", "behind", "next to"];

    /// Other people, never gendered, who act on the person ("Everyone helped him").
    public static IReadOnlyList<string> Others { get; } =
        ["we", "we all", "they", "everyone", "nobody", "our friend", "the neighbour", "my cousin", "the coach"];

    /// Past-tense things to do, with no object that could be the person.
    public static IReadOnlyList<string> Activities { get; } =
    [
        "sang a song", "read a book", "went for a walk", "cooked lunch", "played chess", "watched a film",
        "cleaned the house", "wrote a letter", "drank some tea", "ran home", "sat down", "waited outside",
        "worked late", "took a nap", "painted a picture", "laughed", "stayed home", "baked a cake",
    ];

    /// When something happened.
    public static IReadOnlyList<string> Times { get; } =
        ["yesterday", "last week", "in the morning", "at night", "after lunch", "every day", "on the weekend", "before dinner"];

    /// Words that join two clauses, before a subject pronoun ("..., and then she ...").
    public static IReadOnlyList<string> Connectives { get; } =
        ["and then", "so", "but", "because", "and later", "after that", "before", "when", "until", "while", "since", "and today"];

    /// Words that open a clause before the main one ("When Sarah sat down, she ...").
    public static IReadOnlyList<string> Openers { get; } = ["when", "after", "before", "because", "since", "while", "once", "as soon as"];

    public static IReadOnlyList<string> Months { get; } =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ];

    public static IReadOnlyList<string> NumberWords { get; } =
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
}
