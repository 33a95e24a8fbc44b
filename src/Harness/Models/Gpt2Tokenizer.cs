using Microsoft.ML.Tokenizers;

namespace Harness.Models;

/// The GPT-2 byte-pair tokenizer (also GPT-Neo's), from Microsoft.ML.Tokenizers and its bundled
/// GPT-2 vocabulary, so token ids match HuggingFace's exactly (" he" = 339, " she" = 673).
public sealed class Gpt2Tokenizer
{
    public const int EndOfText = 50256;
    public const int VocabularySize = 50257;

    private static readonly Lazy<Gpt2Tokenizer> Shared = new(() => new Gpt2Tokenizer());
    public static Gpt2Tokenizer Instance => Shared.Value;

    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");

    private Gpt2Tokenizer() { }

    public int[] Encode(string text) => _tokenizer.EncodeToIds(text).ToArray();

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids) ?? "";

    public string Decode(int id) => Decode(new[] { id });

    /// The id of a word that must be exactly one token (an answer such as " she", with its leading
    /// space). `what` names the word's origin for the error message, e.g. a file and line.
    public int SingleToken(string word, string what)
    {
        var ids = Encode(word);
        if (ids.Length != 1)
            throw new HarnessException(
                $"{what}: answer '{word}' is {ids.Length} GPT-2 tokens ({string.Join(" + ", ids.Select(i => $"'{Decode(i)}'"))}), it must be exactly one (did you forget the leading space?)");
        return ids[0];
    }
}
