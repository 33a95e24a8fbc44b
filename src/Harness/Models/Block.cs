using Harness.Hooks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// One transformer block (pre-LayerNorm), with hook points on the residual stream:
///
///     x = hook_resid_pre(x)
///     x = x + attn(ln_1(x))
///     x = hook_resid_mid(x)
///     x = x + mlp(ln_2(x))
///     x = hook_resid_post(x)      // HuggingFace's output of this block
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm _ln1;
    private readonly nn.Module<Tensor, Tensor> _attn;
    private readonly LayerNorm _ln2;
    private readonly Mlp _mlp;

    public Block(ModelConfig config, int layer) : base("Block")
    {
        Layer = layer;
        _ln1 = nn.LayerNorm(config.DModel, config.LayerNormEpsilon);
        _attn = config.Family == ModelFamily.Gpt2 ? new Gpt2Attention(config) : new GptNeoAttention(config, layer);
        _ln2 = nn.LayerNorm(config.DModel, config.LayerNormEpsilon);
        _mlp = new Mlp(config);
        HookResidPre = new HookPoint(HookSite.ResidPre(layer));
        HookResidMid = new HookPoint(HookSite.ResidMid(layer));
        HookResidPost = new HookPoint(HookSite.ResidPost(layer));
        register_module("ln_1", _ln1);
        register_module("attn", _attn);
        register_module("ln_2", _ln2);
        register_module("mlp", _mlp);
        register_module("hook_resid_pre", HookResidPre);
        register_module("hook_resid_mid", HookResidMid);
        register_module("hook_resid_post", HookResidPost);
    }

    public int Layer { get; }
    public HookPoint HookResidPre { get; }
    public HookPoint HookResidMid { get; }
    public HookPoint HookResidPost { get; }

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        // The block's intermediates are freed when it returns; autograd keeps what it needs.
        using var scope = NewDisposeScope();
        x = HookResidPre.call(x);
        x = x + _attn.call(_ln1.call(x));
        x = HookResidMid.call(x);
        x = x + _mlp.call(_ln2.call(x));
        x = HookResidPost.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// The rest of the block from the activation `x` at one of its hook points ("pre", "mid" or
    /// "post"), that hook point included, so that hooks registered there act on `x` as in forward.
    public Tensor ForwardFrom(string point, Tensor x)
    {
        if (point == "pre") return call(x);
        using var scope = NewDisposeScope();
        if (point == "mid")
        {
            x = HookResidMid.call(x);
            x = x + _mlp.call(_ln2.call(x));
        }
        else if (point != "post") throw new ArgumentException($"no hook point '{point}' in a block", nameof(point));
        x = HookResidPost.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
