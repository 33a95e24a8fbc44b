using System.CommandLine;
using System.Globalization;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Cli;

/// `harness logits`: the model's next-token prediction after a text (or token ids), and optionally
/// the logits at every position as a .npy array.
public sealed class LogitsVerb : Verb
{
    private readonly ModelOptions _model;
    private readonly Option<string> _text, _ids, _npy;
    private readonly Option<bool> _force;
    private readonly Option<int> _top;

    public LogitsVerb() : base("logits", "top next tokens after a text; optionally every position's logits as .npy",
        "Prints the K most likely next tokens after the last position (token, id, logit, probability)\n" +
        "of the input given by exactly one of --text or --ids.")
    {
        _model = new ModelOptions(Command);
        _text = Add(TypedOption.Text("--text", "T", "the input text (GPT-2 tokenizer)"));
        _ids = Add(TypedOption.Text("--ids", "1,2,3", "the input as comma-separated token ids instead"));
        _npy = Add(TypedOption.Text("--npy", "OUT.npy", "also write float32 logits [tokens, vocab] for every position"));
        _force = Add(TypedOption.Switch("--force", "replace OUT.npy if it exists (never one of the model's files)"));
        _top = Add(TypedOption.Integer("--top", "K", "how many tokens to print", 10, min: 1));
    }

    public override int Run(VerbArguments args, TextWriter stdout, TextWriter stderr)
    {
        var modelArgs = _model.Read(args);
        var text = args.Get(_text);
        var idsText = args.Get(_ids);
        var npy = args.Get(_npy);
        bool force = args.Get(_force);
        int top = args.Get(_top);
        if ((text is null) == (idsText is null))
            throw new UsageException("logits: give exactly one of --text or --ids");
        var ids = text is not null ? Gpt2Tokenizer.Instance.Encode(text) : ParseIds(idsText!);
        if (ids.Length == 0) throw new UsageException("logits: the input has no tokens");
        if (npy is null && force) throw new UsageException("logits: --force only applies with --npy");

        var resolved = modelArgs.Resolve();
        if (npy is not null) OutputFile.Check("--npy", npy, force, ModelArguments.Inputs(resolved));
        var model = modelArgs.Open(Name, resolved, stderr);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Logits(ids).to(ScalarType.Float32).cpu();   // [tokens, vocab]
        if (npy is not null)
        {
            Npy.Write(npy, logits);
            stderr.WriteLine($"logits: wrote {npy} [{ids.Length}, {logits.shape[1]}] float32");
        }

        var last = logits[-1].to(ScalarType.Float64);
        var probs = last.softmax(0);
        int k = (int)Math.Min(top, last.shape[0]);
        var (values, indices) = last.topk(k);
        var tokenizer = Gpt2Tokenizer.Instance;
        stdout.WriteLine($"top {k} next tokens after {ids.Length} tokens (last: {Quote(SafeDecode(tokenizer, ids[^1]))})");
        stdout.WriteLine($"{"rank",-5} {"token",-20} {"id",7} {"logit",12} {"prob",10}");
        for (int r = 0; r < k; r++)
        {
            int id = (int)indices[r].item<long>();
            double logit = values[r].item<double>();
            double p = probs[id].item<double>();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r + 1,-5} {Quote(SafeDecode(tokenizer, id)),-20} {id,7} {logit,12:F4} {p,10:F6}"));
        }
        return 0;
    }

    internal static int[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out ids[i]) || ids[i] < 0)
                throw new UsageException($"logits: --ids must be comma-separated non-negative token ids, got '{parts[i]}'");
        return ids;
    }

    /// Ids beyond the GPT-2 vocabulary (a model with a larger one) print as <id>.
    internal static string SafeDecode(Gpt2Tokenizer tokenizer, int id) =>
        id < Gpt2Tokenizer.VocabularySize ? tokenizer.Decode(id) : $"<{id}>";

    /// A token in quotes with its whitespace visible: ' he', '\n'.
    internal static string Quote(string token) =>
        "'" + token.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t").Replace("'", "\\'") + "'";
}
