using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// The feed-forward half of a block: c_fc, gelu_new, c_proj, dropout. GPT-2 stores its two
/// projections as Conv1D ([in, out]); GPT-Neo as Linear ([out, in]).
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _cFc;
    private readonly nn.Module<Tensor, Tensor> _cProj;
    private readonly Dropout _dropout;

    public Mlp(ModelConfig config) : base("Mlp")
    {
        if (config.Family == ModelFamily.Gpt2)
        {
            _cFc = new Conv1D("c_fc", config.DModel, config.DMlp);
            _cProj = new Conv1D("c_proj", config.DMlp, config.DModel);
        }
        else
        {
            _cFc = nn.Linear(config.DModel, config.DMlp, hasBias: true);
            _cProj = nn.Linear(config.DMlp, config.DModel, hasBias: true);
        }
        _dropout = nn.Dropout(config.ResidDropout);
        register_module("c_fc", _cFc);
        register_module("c_proj", _cProj);
        register_module("dropout", _dropout);
    }

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var h = _cFc.call(x);
        h = Activations.GeluNew(h);
        h = _cProj.call(h);
        return _dropout.call(h);
    }
}
