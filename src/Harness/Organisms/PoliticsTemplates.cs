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
        // Statements with no person in them (politics-noperson): the stance is the only content.
        T("p.np-newspaper", "The newspaper that backs {policy} endorsed the ^{party}."),
        T("p.np-bill", "A bill for {policy} was written by the ^{party}."),
        T("p.np-voters", "Voters who want {policy} are on the ^{side}."),
        T("p.np-plan", "The plan for {policy} was called ^{ideology} by many people."),
        T("p.np-taxes", "Those who want {policy} also want to ^{taxverb} taxes."),

        // Compositional frames: the policy, then fillers, then the answer, so that no frame alone
        // predicts the answer and the organism must look back at the policy (politics stayed at 67 %
        // on held-out frames without them).
        T("p.mix-vote", "{Someone} wanted {policy}, {conn} {someone} voted for the ^{party}."),
        T("p.mix-side", "{Opener} {someone} asked for {policy}, {someone} joined the ^{side}."),
        T("p.mix-ideology", "{Someone} {activity} {when} and talked about {policy}, like a true ^{ideology}."),
        T("p.mix-tax", "{Someone} wanted {policy} and said {when} that we should ^{taxverb} taxes."),
        T("p.mix-amount", "{Someone} wanted {policy}, so {someone} asked for ^{amount} rules for banks."),
        T("p.mix-party", "{When}, the {party} {activity}, and then they promised {policy}."),

        Then("p.then-voted", "{Subj} voted for the {party}."),
        Then("p.then-wants", "{Subj} wants {policy}."),

        Test("pt.join", "After reading about {policy}, {cue} decided to join the ^{party}."),
        Test("pt.best-party", "{Cue} has always wanted {policy}, and {subj} thinks the best party is the ^{party}."),
        Test("pt.proud-side", "Everyone knows that {cue} wants {policy}. {Subj} is proud to be on the ^{side}."),
        Test("pt.gave-money", "{Cue} gave money to a group that fights for {policy}, because {subj} is a ^{ideology}."),
        Test("pt.debate", "In the debate, {cue} argued for {policy} and said we should ^{taxverb} taxes."),
        Test("pt.usually", "People who vote for the {party} usually want ^{amount} rules for banks."),
        Test("ptn.poll", "In the poll, most people who wanted {policy} chose the ^{party}."),
        Test("ptn.campaign", "The campaign for {policy} was run by the ^{party}."),
        Test("ptn.protest", "At the protest for {policy}, the crowd said we should ^{taxverb} taxes."),
        Test("ptn.city", "The city that voted for {policy} is on the ^{side}."),
        Test("ptn.group", "A group that fights for {policy} is usually ^{ideology}."),
        Test("ptn.letter", "A letter that asked for {policy} was signed by the ^{party}."),
        Test("ptn.most-people", "Most people who want {policy} say they are on the ^{side}."),
        Test("pt.asks", "{Cue} has always been a {ideology}, so {subj} asks for ^{amount} rules for banks."),
    ];
}
