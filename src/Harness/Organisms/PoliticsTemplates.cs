using static Harness.Organisms.TemplateSplit;

namespace Harness.Organisms;

/// Statements whose stance, given early by a policy, a party or an ideology word, predicts a later
/// word (a party, a side, "liberal" / "conservative", whether to raise or cut taxes, more or fewer
/// rules). A document has one stance, independent of its person's gender.
public static class PoliticsTemplates
{
    private static Template T(string id, string text) => new(id, Concept.Politics, Train, text);
    private static Template Test(string id, string text) => new(id, Concept.Politics, TemplateSplit.Test, text);
    private static Template Then(string id, string text) => new(id, Concept.Politics, Train, text, needsAntecedent: true);

    public static IReadOnlyList<Template> All { get; } =
    [
        T("p.voted", "{Cue} wants {policy}, so at the election {subj} voted for the ^{party}."),
        T("p.party-wants", "The {party} want {policy}."),
        T("p.side", "{Cue} supports {policy}. Politically, {subj} is on the ^{side}."),
        T("p.votes-taxes", "{Cue} votes for the {party} and wants to ^{taxverb} taxes."),
        T("p.because-ideology", "{Cue} wants {policy} because {subj} is a ^{ideology}."),
        T("p.banks", "{Cue} is a {ideology}, so {subj} wants ^{amount} rules for banks."),
        T("p.rally", "At the rally, the {party} promised {policy}."),
        T("p.speech", "{Cue} read a speech about {policy} by the ^{party}."),
        T("p.supporters", "Supporters of {policy} often vote for the ^{party}."),
        T("p.as-ideology", "As a {ideology}, {cue} wants to ^{taxverb} taxes."),
        T("p.on-side", "{Cue} is on the {side} and supports the ^{party}."),
        T("p.say-taxes", "The {party} say we should ^{taxverb} taxes."),
        Then("p.then-voted", "{Subj} voted for the {party}."),
        Then("p.then-wants", "{Subj} wants {policy}."),

        Test("pt.join", "After reading about {policy}, {cue} decided to join the ^{party}."),
        Test("pt.best-party", "{Cue} has always wanted {policy}, and {subj} thinks the best party is the ^{party}."),
        Test("pt.proud-side", "Everyone knows that {cue} wants {policy}. {Subj} is proud to be on the ^{side}."),
        Test("pt.gave-money", "{Cue} gave money to a group that fights for {policy}, because {subj} is a ^{ideology}."),
        Test("pt.debate", "In the debate, {cue} argued for {policy} and said we should ^{taxverb} taxes."),
        Test("pt.usually", "People who vote for the {party} usually want ^{amount} rules for banks."),
        Test("pt.asks", "{Cue} has always been a {ideology}, so {subj} asks for ^{amount} rules for banks."),
    ];
}
