using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// GPT-Neo's attention block. HuggingFace nests the actual self-attention one level deeper
/// (`attn.attention.q_proj`), and this module keeps that nesting so checkpoint names match.
public sealed class GptNeoAttention : nn.Module<Tensor, Tensor>
{
    private readonly GptNeoSelfAttention _attention;

    public GptNeoAttention(ModelConfig config, int layer) : base("GptNeoAttention")
    {
        _attention = new GptNeoSelfAttention(config, config.AttentionLayers[layer]);
        register_module("attention", _attention);
    }

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x) => _attention.call(x);
}

/// GPT-Neo causal self-attention: separate q/k/v projections without bias, out_proj with bias.
/// Unlike GPT-2, the scores are NOT scaled by 1/sqrt(head_dim), and they are computed in float32
/// whatever the model's dtype. A local layer lets token i see token j only when j <= i and
/// i - j < window_size; a global layer only needs j <= i.
public sealed class GptNeoSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear _qProj, _kProj, _vProj, _outProj;
    private readonly Dropout _attnDropout, _residDropout;
    private readonly int _nHeads;
    private readonly AttentionKind _kind;
    private readonly int _windowSize;

    public GptNeoSelfAttention(ModelConfig config, AttentionKind kind) : base("GptNeoSelfAttention")
    {
        _nHeads = config.NHeads;
        _kind = kind;
        _windowSize = config.WindowSize;
        _kProj = nn.Linear(config.DModel, config.DModel, hasBias: false);
        _vProj = nn.Linear(config.DModel, config.DModel, hasBias: false);
        _qProj = nn.Linear(config.DModel, config.DModel, hasBias: false);
        _outProj = nn.Linear(config.DModel, config.DModel, hasBias: true);
        _attnDropout = nn.Dropout(config.AttnDropout);
        _residDropout = nn.Dropout(config.ResidDropout);
        register_module("k_proj", _kProj);
        register_module("v_proj", _vProj);
        register_module("q_proj", _qProj);
        register_module("out_proj", _outProj);
        register_module("attn_dropout", _attnDropout);
        register_module("resid_dropout", _residDropout);
    }

    public AttentionKind Kind => _kind;

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0], tokens = x.shape[1], d = x.shape[2];
        Tensor Heads(Tensor t) => t.view(batch, tokens, _nHeads, d / _nHeads).transpose(1, 2);
        var q = Heads(_qProj.call(x));
        var k = Heads(_kProj.call(x));
        var v = Heads(_vProj.call(x));

        var scores = q.to(ScalarType.Float32).matmul(k.to(ScalarType.Float32).transpose(-1, -2));
        var allowed = Visible(tokens, x.device);
        scores = scores.masked_fill(allowed.logical_not(), float.MinValue);
        var probs = scores.softmax(-1).to(v.dtype);
        probs = _attnDropout.call(probs);

        var y = probs.matmul(v).transpose(1, 2).contiguous().view(batch, tokens, d);
        return _residDropout.call(_outProj.call(y));
    }

    /// [tokens, tokens] booleans: may query i see key j?
    private Tensor Visible(long tokens, Device device)
    {
        var i = arange(tokens, device: device).unsqueeze(1);
        var j = arange(tokens, device: device).unsqueeze(0);
        var visible = j <= i;
        if (_kind == AttentionKind.Local) visible = visible.logical_and((i - j) < _windowSize);
        return visible;
    }
}
