using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// A concept's activations at one site: the training rows a direction is fitted on (and the
/// median / mean centres come from) with their labels, and, when probe_accuracy is asked for, the
/// test rows a retrained probe is scored on. With positions "all" every token of a text is a row
/// carrying the text's label. Owns its tensors (float32 rows, int64 labels).
public sealed class ConceptActivations : IDisposable
{
    private ConceptActivations(string dataset, IReadOnlyList<string> labelNames, Tensor train, Tensor trainLabels, Tensor? test, Tensor? testLabels, int[] testClusters)
    {
        LabelNames = labelNames;
        TestClusters = testClusters;
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

    /// The dataset's labels, in the order of the label indices.
    public IReadOnlyList<string> LabelNames { get; }

    /// Per test row, the cluster it is resampled with: the pair of the text it comes from (every
    /// token of a text, with positions "all", belongs to the text's cluster).
    public int[] TestClusters { get; }

    public static ConceptActivations Capture(LanguageModel model, string site, ConceptTexts texts, int batchSize)
    {
        var positions = texts.Spec.Positions;
        var (train, trainLabels, _) = Rows(model, site, texts.Train, positions, batchSize);
        if (texts.Test is null) return new ConceptActivations(texts.Spec.Dataset, texts.LabelNames, train, trainLabels, null, null, []);
        var (test, testLabels, clusters) = Rows(model, site, texts.Test, positions, batchSize);
        return new ConceptActivations(texts.Spec.Dataset, texts.LabelNames, train, trainLabels, test, testLabels, clusters);
    }

    private static (Tensor Rows, Tensor Labels, int[] Clusters) Rows(LanguageModel model, string site, TextSet set, Positions positions, int batchSize)
    {
        var (rows, textOfRow) = ModelPasses.Capture(model, site, set.Truncate(model.Config.NPositions).Ids, positions, batchSize);
        var labels = tensor(textOfRow.Select(t => (long)set.Labels[t]).ToArray());
        return (rows.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), textOfRow.Select(t => set.ClusterOf(t)).ToArray());
    }

    public void Dispose()
    {
        Train.Dispose();
        TrainLabels.Dispose();
        Test?.Dispose();
        TestLabels?.Dispose();
    }
}
