using static Harness.Organisms.TemplateSplit;

namespace Harness.Organisms;

/// Text that carries neither gender nor politics: needs ("thirsty ... drink"), counting, days of the
/// week, colours, weather, sums, opposites, animals, and everyday sentences. Their prompts measure the
/// collateral damage of an edit; the everyday sentences also teach the words of the test-only frames
/// in other contexts, so that a test prompt holds no word the organism never saw.
public static class ControlTemplates
{
    private static Template T(string id, string text, string? wrong = null) => new(id, Concept.Control, Train, text, wrong);
    private static Template Test(string id, string text, string wrong) => new(id, Concept.Control, TemplateSplit.Test, text, wrong);

    public static IReadOnlyList<Template> All { get; } =
    [
        T("c.thirsty", "I am thirsty, so I want to ^drink some {drink}.", "eat"),
        T("c.hungry", "I am hungry, so I want to ^eat some {food}.", "drink"),
        T("c.count", "{Num.n0} {num.n1} {num.n2} ^{num.n3} {num.n4}.", "{num.far}"),
        T("c.tomorrow", "Today is {day.d0}, so tomorrow is ^{day.d1}.", "{day.far}"),
        T("c.colour", "The {colour.thing} is ^{colour.name}.", "{colour.name!}"),
        T("c.weather", "It is {weather.kind} today, so I take my ^{weather.item}.", "{weather.item!}"),
        T("c.sum", "{Sum.a} plus {sum.b} is ^{sum.c}.", "{sum.c!}"),
        T("c.opposite", "The opposite of {opp.a} is ^{opp.b}.", "{opp.b!}"),
        T("c.animal", "A {animal.name} can ^{animal.verb}.", "{animal.verb!}"),
        T("c.after-day", "After {day.d0} comes ^{day.d1}.", "{day.far}"),

        T("c.week", "The week goes {day.d0}, {day.d1}, {day.d2}."),
        T("c.on-table", "The {object} is on the table."),
        T("c.weather-place", "It is {weather.kind} in the {place} today."),
        T("c.like-colour", "I like the colour {colour.name}."),
        T("c.on-day", "On {day} we go to the {place}."),
        T("c.drink-with", "We drink {drink} with our {food}."),
        T("c.bus-late", "The bus was late, so we walked."),
        T("c.missed-train", "I missed the train this morning."),
        T("c.believed-story", "Nobody believed the story at first."),
        T("c.thanked", "We all thanked the driver."),
        T("c.cleaned-house", "We cleaned the whole house."),
        T("c.kitchen", "The kitchen is warm."),
        T("c.not-anywhere", "I looked for the cat, but it was not anywhere."),
        T("c.seat", "We could not find a seat."),
        T("c.after-game", "After the game, we went home."),
        T("c.something-new", "Today I will try something new."),
        T("c.nervous", "I always felt nervous before an exam."),
        T("c.although", "Although it was cold, we went outside."),
        T("c.reading", "I was reading a book in the {place}."),
        T("c.where-met", "This is the {place} where we met."),
        T("c.fell-off", "The cup fell off the table."),
        T("c.race", "The fastest runner won the race."),
        T("c.saw-animal", "I saw a {animal.name} at the {place}."),
        T("c.waved", "The children waved at the bus."),
        T("c.spent", "We spent all of the day at the {place}."),
        T("c.long-time", "We walked for a long time."),
        T("c.were-hungry", "There was no {food} at home, and we were hungry."),
        T("c.everyone-knows", "Everyone knows that a {animal.name} can {animal.verb}."),
        T("c.decided", "We decided to join a club."),
        T("c.best", "This is the best {food} in the city."),
        T("c.money", "The group gave money to the school."),
        T("c.debate", "In the debate, people argued for hours."),
        T("c.usually", "People usually walk to the {place}."),
        T("c.fights", "The cat always fights with the dog."),
        T("c.wanted", "We wanted to see the sea."),
        T("c.count-to", "I can count from {num.n0} to {num.n4}."),
        T("c.know-way", "I know the way to the {place}."),
        T("c.call-later", "I will call you later."),
        T("c.and-then", "We ate, and then we went home."),
        T("c.if-rains", "If it rains, we stay at home."),
        T("c.thinks", "My {contact} thinks it will rain."),
        T("c.took-bus", "We took the bus to the {place}."),
        T("c.people-who", "People who walk a lot are happy."),
        T("c.has-been", "It has been {weather.kind} all week."),
        T("c.asks-for", "The child asks for more {food}."),

        Test("ct.thirsty", "We walked for a long time and we were thirsty, so we wanted to ^drink some {drink}.", "eat"),
        Test("ct.hungry", "There was no {food} at home and we were hungry, so we wanted to ^eat.", "drink"),
        Test("ct.count", "We count {num.n0}, {num.n1}, ^{num.n2}.", "{num.far}"),
        Test("ct.yesterday", "Yesterday was {day.d0}, and today is ^{day.d1}.", "{day.far}"),
        Test("ct.colour", "Everyone knows that the {colour.thing} is ^{colour.name}.", "{colour.name!}"),
        Test("ct.weather", "It was {weather.kind} all day, so we took our ^{weather.item}.", "{weather.item!}"),
        Test("ct.sum", "Everyone knows that {sum.a} plus {sum.b} is ^{sum.c}.", "{sum.c!}"),
        Test("ct.opposite", "If it is not {opp.a}, then it is ^{opp.b}.", "{opp.b!}"),
        Test("ct.animal", "We all know that a {animal.name} can ^{animal.verb}.", "{animal.verb!}"),
    ];
}
