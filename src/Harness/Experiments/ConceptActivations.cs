using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// A concept's activations at one site: the training rows a direction is fitted on (and the
/// median / mean centres come from) with their labels, and, when probe_accuracy is asked for, the
/// test rows a retrained probe is scored on. With positions "all" every token of a text is a row
/// carrying the text's label. Owns its tensors (float32 rows, int64 labels).
public sealed class ConceptActivations : IDisposable
{
    private ConceptActivations(string dataset, Tensor train, Tensor trainLabels, Tensor? test, Tensor? testLabels)
    {
        Dataset = dataset;
        Train = train;
        TrainLabels = trainLabels;
        Test = test;
        TestLabels = testLabels;
    }

    public string Dataset { get; }
    public Tensor Train { get; }
    public Tensor TrainLabels { get; }
    public Tensor? Test { get; }
    public Tensor? TestLabels { get; }
    public long TrainRows => Train.shape[0];

    public static ConceptActivations Capture(LanguageModel model, string site, ConceptTexts texts, int batchSize)
    {
        var positions = texts.Spec.Positions;
        var (train, trainLabels) = Rows(model, site, texts.Train, positions, batchSize);
        if (texts.Test is null) return new ConceptActivations(texts.Spec.Dataset, train, trainLabels, null, null);
        var (test, testLabels) = Rows(model, site, texts.Test, positions, batchSize);
        return new ConceptActivations(texts.Spec.Dataset, train, trainLabels, test, testLabels);
    }

    private static (Tensor Rows, Tensor Labels) Rows(LanguageModel model, string site, TextSet set, Positions positions, int batchSize)
    {
        var (rows, textOfRow) = ModelPasses.Capture(model, site, set.Truncate(model.Config.NPositions).Ids, positions, batchSize);
        var labels = tensor(textOfRow.Select(t => (long)set.Labels[t]).ToArray());
        return (rows.DetachFromDisposeScope(), labels.DetachFromDisposeScope());
    }

    public void Dispose()
    {
        Train.Dispose();
        TrainLabels.Dispose();
        Test?.Dispose();
        TestLabels?.Dispose();
    }
}
