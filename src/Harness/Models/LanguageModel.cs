using Harness.Hooks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Models;

/// A GPT-2 or GPT-Neo language model (the config decides), laid out like HuggingFace's so that
/// parameter names equal checkpoint names (`wte.weight`, `h.3.attn.c_attn.weight`, `ln_f.bias`):
///
///     x = drop(wte(ids) + wpe(positions))
///     for each block: x = block(x)             // hook sites blocks.{l}.hook_resid_pre|mid|post
///     h = hook_ln_final(ln_f(x))              // hook site ln_final
///     logits = h @ wte.weight^T               // lm_head is tied to wte
///
/// Input is a right-padded batch of token ids [batch, tokens]; causal attention means real tokens
/// never see the padding, so each prompt's logits are read at its own last real token
/// (LastTokenLogits). Dropout (embd, attn, resid) is active only in training mode; Create and
/// HfCheckpoint.Load return a model in eval mode.
public sealed partial class LanguageModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _wte;
    private readonly Embedding _wpe;
    private readonly Dropout _drop;
    private readonly ModuleList<Block> _h;
    private readonly Block[] _blocks;
    private readonly LayerNorm _lnF;
    private readonly HookPoint _hookLnFinal;

    /// Builds the modules. Weights are whatever the layers initialise to: use Create for a seeded
    /// random model, HfCheckpoint.Load for a trained one.
    internal LanguageModel(ModelConfig config) : base(config.Family == ModelFamily.Gpt2 ? "GPT2Model" : "GPTNeoModel")
    {
        Config = config;
        _wte = nn.Embedding(config.VocabSize, config.DModel);
        _wpe = nn.Embedding(config.NPositions, config.DModel);
        _drop = nn.Dropout(config.EmbedDropout);
        _blocks = Enumerable.Range(0, config.NLayers).Select(l => new Block(config, l)).ToArray();
        _h = nn.ModuleList(_blocks);
        _lnF = nn.LayerNorm(config.DModel, config.LayerNormEpsilon);
        _hookLnFinal = new HookPoint(HookSite.LnFinal);
        register_module("wte", _wte);
        register_module("wpe", _wpe);
        register_module("drop", _drop);
        register_module("h", _h);
        register_module("ln_f", _lnF);
        register_module("hook_ln_final", _hookLnFinal);
        Hooks = new ModelHooks(_blocks.SelectMany(b => new[] { b.HookResidPre, b.HookResidMid, b.HookResidPost }).Append(_hookLnFinal), config.NLayers);
    }

    public ModelConfig Config { get; }

    /// Capture and replace activations at the hook sites.
    public ModelHooks Hooks { get; }

    public IReadOnlyList<Block> Blocks => _blocks;

    /// The token-embedding matrix [vocab, d], also the (tied) unembedding.
    public Tensor TokenEmbedding => _wte.weight!;

    public ScalarType Dtype => _wte.weight!.dtype;
    public Device Device => _wte.weight!.device;

    /// A model with random weights drawn from `seed` (GPT-2's initialisation: normal(0, 0.02)
    /// weights, output projections scaled by 1/sqrt(2 n_layers), zero biases, unit layer norms), in
    /// eval mode, parameters trainable. For tests, benchmarks and the organism trainer.
    public static LanguageModel Create(ModelConfig config, long seed = 0)
    {
        var model = new LanguageModel(config);
        using var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (name, p) in model.named_parameters())
            {
                var leaf = name.Split('.')[^1];
                var owner = name.Split('.')[^2];
                if (owner is "ln_1" or "ln_2" or "ln_f")
                    p.fill_(leaf == "weight" ? 1.0 : 0.0);
                else if (leaf == "bias")
                    p.zero_();
                else
                {
                    var std = owner is "c_proj" or "out_proj" ? 0.02 / Math.Sqrt(2.0 * config.NLayers) : 0.02;
                    p.normal_(0.0, std, generator);
                }
            }
        }
        model.eval();
        return model;
    }

    /// Stops (or restarts) gradient tracking of every parameter. Loaded models are frozen, so a
    /// forward pass builds no graph unless an input or a keepGraph capture asks for one.
    public LanguageModel Freeze(bool frozen = true)
    {
        foreach (var p in parameters()) p.requires_grad = !frozen;
        return this;
    }

    /// Children and parameters are registered explicitly under their HuggingFace names in the
    /// constructor; TorchSharp's field-name registration would add duplicates under C# names.
    protected override void RegisterComponents() { }

    /// Logits [batch, tokens, vocab] for token ids [batch, tokens] (int64).
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        return Unembed(FinalHidden(ids)).MoveToOuterDisposeScope();
    }

    /// The output of the final layer norm, after the ln_final hook: [batch, tokens, d]. Once the
    /// pass's intermediate tensors are freed, glibc's heap may be trimmed so that memory stays flat
    /// over thousands of passes (see GlibcAllocator).
    public Tensor FinalHidden(Tensor ids)
    {
        var hidden = RunBlocks(ids);
        GlibcAllocator.AfterForwardPass();
        return hidden;
    }

    private Tensor RunBlocks(Tensor ids)
    {
        CheckInput(ids);
        using var scope = NewDisposeScope();
        long tokens = ids.shape[1];
        var positions = arange(tokens, dtype: ScalarType.Int64, device: ids.device);
        var x = _wte.call(ids) + _wpe.call(positions);
        x = _drop.call(x);
        foreach (var block in _blocks) x = block.call(x);
        x = _hookLnFinal.call(_lnF.call(x));
        return x.MoveToOuterDisposeScope();
    }

    /// The output of the final layer norm from the activation `x` [batch, tokens, d] at hook site
    /// `site` (captured there by an earlier pass): the rest of the forward pass only, the site's own
    /// hook point included, so that an edit registered at the site acts on `x` exactly as in a full
    /// pass. FinalHidden(ids) equals FinalHiddenFrom(site, activation of ids at site) for every site.
    public Tensor FinalHiddenFrom(string site, Tensor x)
    {
        var (layer, point) = HookSite.Locate(site, Config.NLayers);
        Tensor hidden;
        using (var scope = NewDisposeScope())
        {
            if (point != "final")
            {
                x = _blocks[layer].ForwardFrom(point, x);
                for (int l = layer + 1; l < _blocks.Length; l++) x = _blocks[l].call(x);
                x = _lnF.call(x);
            }
            hidden = _hookLnFinal.call(x).MoveToOuterDisposeScope();
        }
        GlibcAllocator.AfterForwardPass();
        return hidden;
    }

    /// Hidden states [..., d] to logits [..., vocab] through the tied unembedding.
    public Tensor Unembed(Tensor hidden) => nn.functional.linear(hidden, _wte.weight!);

    /// Logits [tokens, vocab] for one sequence.
    public Tensor Logits(IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        var batch = tensor(ids.Select(i => (long)i).ToArray(), device: Device).unsqueeze(0);
        return forward(batch).squeeze(0).MoveToOuterDisposeScope();
    }

    /// Each prompt's next-token logits at its own last real token: [prompts, vocab]. The prompts
    /// run as one right-padded batch; the vocabulary projection is applied to the last tokens only.
    public Tensor LastTokenLogits(IReadOnlyList<int[]> prompts)
    {
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.RightPadded(prompts, Device);
        var hidden = FinalHidden(batch.Ids);
        return Unembed(batch.AtLastTokens(hidden)).MoveToOuterDisposeScope();
    }

    private void CheckInput(Tensor ids)
    {
        if (ids.dim() != 2 || ids.dtype != ScalarType.Int64)
            throw new ArgumentException($"token ids must be an int64 tensor [batch, tokens], got {ids.dtype} [{string.Join(", ", ids.shape)}]", nameof(ids));
        long tokens = ids.shape[1];
        if (tokens == 0) throw new HarnessException("empty input: there are no tokens to run the model on");
        if (tokens > Config.NPositions)
            throw new HarnessException($"input of {tokens} tokens is longer than the position table of {Config.Source} ({Config.NPositions} positions)");
        long min = ids.min().item<long>(), max = ids.max().item<long>();
        if (min < 0 || max >= Config.VocabSize)
            throw new HarnessException($"token id {(min < 0 ? min : max)} is outside the vocabulary of {Config.Source} (vocab_size {Config.VocabSize})");
    }
}
