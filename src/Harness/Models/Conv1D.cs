using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// GPT-2's "Conv1D": a linear layer whose weight is stored transposed, [in, out], so that
/// y = x @ weight + bias. Kept in this layout so checkpoint tensors load and save unchanged.
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    private Parameter _weight;
    private Parameter _bias;

    public Conv1D(string name, long inFeatures, long outFeatures) : base(name)
    {
        _weight = new Parameter(empty(inFeatures, outFeatures));
        _bias = new Parameter(zeros(outFeatures));
        register_parameter(nameof(weight), _weight);
        register_parameter(nameof(bias), _bias);
    }

    // Module.to(dtype or device) replaces Parameter objects through settable properties named like
    // the registered parameters; the setters register the replacement, as TorchSharp's modules do.
#pragma warning disable IDE1006 // lower-case, as TorchSharp's own modules name them
    public Parameter weight
    {
        get => _weight;
        set { _weight = value; ConditionallyRegisterParameter(nameof(weight), value); }
    }

    public Parameter bias
    {
        get => _bias;
        set { _bias = value; ConditionallyRegisterParameter(nameof(bias), value); }
    }
#pragma warning restore IDE1006

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var shape = x.shape;
        var flat = x.reshape(-1, shape[^1]);
        var y = addmm(_bias, flat, _weight, 1, 1);
        shape[^1] = _weight.shape[1];
        return y.view(shape);
    }
}
