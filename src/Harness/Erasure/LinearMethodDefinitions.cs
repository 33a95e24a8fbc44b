using static TorchSharp.torch;

namespace Harness.Erasure;

/// The registry entries of the classifier-based methods (probe, INLP, RLACE): their options come
/// from each options record's Fields (one declaration per option: name, default, bounds, help).
public static class LinearMethodDefinitions
{
    public static EraserMethod Probe { get; } = new(
        "probe",
        "one logistic-regression probe; its normalised weight vector is the direction (rank 1), projected out",
        ProbeOptions.Fields.Select(f => f.Option).ToList(),
        needsConcept: true,
        fit: (data, options) => ProbeEraser.Fit(data.X, Labels(data, "probe"), ProbeOptions.FromStrings(options.Values)),
        load: state => Checked(state, ProbeEraser.FromState(state.Tensors, state.Options.Values)));

    public static EraserMethod Inlp { get; } = new(
        "inlp",
        "iterative nullspace projection: classifiers trained and projected out until one is near chance",
        InlpOptions.Fields.Select(f => f.Option).ToList(),
        needsConcept: true,
        fit: (data, options) => InlpEraser.Fit(data.X, Labels(data, "inlp"), InlpOptions.FromStrings(options.Values)),
        load: state => Checked(state, InlpEraser.FromState(state.Tensors, state.Options.Values)));

    public static EraserMethod Rlace { get; } = new(
        "rlace",
        "relaxed linear adversarial concept erasure: a rank-k projection from a minimax game over the Fantope",
        RlaceOptions.Fields.Select(f => f.Option).ToList(),
        needsConcept: true,
        fit: (data, options) => RlaceEraser.Fit(data.X, Labels(data, "rlace"), RlaceOptions.FromStrings(options.Values)),
        load: state => Checked(state, RlaceEraser.FromState(state.Tensors, state.Options.Values)));

    /// A loaded eraser must act on the dimension its file's metadata declares.
    private static IEraser Checked(EraserState state, IEraser eraser) =>
        eraser.Dimension == state.Dimension ? eraser
            : throw state.Error($"directions have dimension {eraser.Dimension} but the metadata says {state.Dimension}");

    private static Tensor Labels(EraserData data, string method) => data.RequireLabels(method).Labels;
}
