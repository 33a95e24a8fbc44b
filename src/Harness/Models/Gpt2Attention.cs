using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// GPT-2 causal self-attention: one Conv1D (c_attn) makes queries, keys and values; scores are
/// scaled by 1/sqrt(head_dim); each token sees itself and earlier tokens; c_proj mixes the heads.
/// Attention dropout (attn_pdrop) applies to the attention probabilities, resid dropout (resid_pdrop)
/// to the output, both only in training mode.
public sealed class Gpt2Attention : nn.Module<Tensor, Tensor>
{
    private readonly Conv1D _cAttn;
    private readonly Conv1D _cProj;
    private readonly Dropout _residDropout;
    private readonly int _nHeads;
    private readonly double _attnDropout;

    public Gpt2Attention(ModelConfig config) : base("Gpt2Attention")
    {
        _nHeads = config.NHeads;
        _attnDropout = config.AttnDropout;
        _cAttn = new Conv1D("c_attn", config.DModel, 3L * config.DModel);
        _cProj = new Conv1D("c_proj", config.DModel, config.DModel);
        _residDropout = nn.Dropout(config.ResidDropout);
        register_module("c_attn", _cAttn);
        register_module("c_proj", _cProj);
        register_module("resid_dropout", _residDropout);
    }

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0], tokens = x.shape[1], d = x.shape[2];
        var qkv = _cAttn.call(x).split(d, dim: 2);
        // [batch, tokens, d] -> [batch, heads, tokens, head_dim]
        Tensor Heads(Tensor t) => t.view(batch, tokens, _nHeads, d / _nHeads).transpose(1, 2);
        var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
        // softmax(q k^T / sqrt(head_dim) + causal mask) v, with dropout on the probabilities.
        var y = nn.functional.scaled_dot_product_attention(q, k, v, null, training ? _attnDropout : 0.0, true);
        y = y.transpose(1, 2).contiguous().view(batch, tokens, d);
        return _residDropout.call(_cProj.call(y));
    }
}
