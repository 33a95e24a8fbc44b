namespace Harness.Concepts;

/// A sentence labelled with the value of a concept, for finding a concept direction (probes, LEACE,
/// INLP, RLACE, mean difference). `Pair` links the sentences that differ only in the concept (the
/// female and male versions of one sentence); an item with no partner has a pair id of its own.
/// On disk: `{"text": "The queen has fought and won.", "label": "female", "pair": 17}`.
public sealed record LabelledSentence(string Text, string Label, int Pair);
