using Harness.Concepts;

namespace Harness.Tests.Concepts;

public class JsonLinesReaderTests
{
    private string _dir = "";
    private static readonly string[] Gender = ["female", "male"];

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "jsonl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private const string GoodPrompt1 = """{"prompt": "Her car is broken. But", "correct": " she", "wrong": " he", "label": "female", "pair": 3}""";
    private const string GoodPrompt2 = """{"prompt": "His car is broken. But", "correct": " he", "wrong": " she", "label": "male", "pair": 3}""";

    [Test]
    public void ReadsWhatTheWriterWrites()
    {
        var sentences = new[] { new LabelledSentence("She's \"here\" — ü.", "female", 0), new LabelledSentence("He's here.", "male", 0) };
        var prompts = new[] { new BiasPrompt("Her car is broken. But", " she", " he", "female", 3) };
        var texts = new[] { new TextRecord("It is raining.") };
        JsonLinesReader.ReadSentences(Write("s.jsonl", JsonLinesWriter.Format(sentences)), Gender).Should().Equal(sentences);
        JsonLinesReader.ReadPrompts(Write("p.jsonl", JsonLinesWriter.Format(prompts)), Gender).Should().Equal(prompts);
        JsonLinesReader.ReadTexts(Write("t.jsonl", JsonLinesWriter.Format(texts))).Should().Equal(texts);
        JsonLinesWriter.Format(prompts).Should().Be("""{"prompt":"Her car is broken. But","correct":" she","wrong":" he","label":"female","pair":3}""" + "\n");
    }

    [Test]
    public void ReadsHandWrittenPromptsWithBlankLinesAndCrLf()
    {
        var path = Write("prompts.test.jsonl", GoodPrompt1 + "\r\n\r\n" + GoodPrompt2 + "\r\n");
        var prompts = JsonLinesReader.ReadPrompts(path, Gender);
        prompts.Should().HaveCount(2);
        prompts[1].Should().Be(new BiasPrompt("His car is broken. But", " he", " she", "male", 3));
    }

    [Test]
    public void UnknownFieldNamesFileAndLine()
    {
        var path = Write("prompts.test.jsonl", GoodPrompt1 + "\n" + GoodPrompt2.Replace("\"pair\"", "\"pear\""));
        var act = () => JsonLinesReader.ReadPrompts(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be(
            $"{path}:2: unknown field \"pear\" (expected prompt, correct, wrong, label, pair, optionally cue)");
    }

    [Test]
    public void APromptMayCarryACueWhichMustBeANonEmptyString()
    {
        var path = Write("prompts.test.jsonl", GoodPrompt1.Replace("}", ", \"cue\": \"occupation\"}") + "\n" + GoodPrompt2 + "\n");
        var prompts = JsonLinesReader.ReadPrompts(path, Gender);
        prompts[0].Cue.Should().Be("occupation");
        prompts[1].Cue.Should().BeNull();
        foreach (var (bad, message) in new[] { ("\"\"", "field \"cue\" is empty"), ("3", "field \"cue\" must be a string, got a number") })
        {
            var badPath = Write("prompts.test.jsonl", GoodPrompt1.Replace("}", $", \"cue\": {bad}}}") + "\n");
            FluentActions.Invoking(() => JsonLinesReader.ReadPrompts(badPath, Gender)).Should().Throw<HarnessException>()
                .Which.Message.Should().Be($"{badPath}:1: {message}");
        }
    }

    [Test]
    public void TheWriterPutsACueAfterThePair()
    {
        var prompt = new BiasPrompt("The nurse said that", " she", " he", "female", 0) { Cue = "occupation" };
        JsonLinesWriter.Format([prompt]).Should().Be("{\"prompt\":\"The nurse said that\",\"correct\":\" she\",\"wrong\":\" he\",\"label\":\"female\",\"pair\":0,\"cue\":\"occupation\"}\n");
    }

    [Test]
    public void MissingFieldNamesFileAndLine()
    {
        var lines = Enumerable.Repeat(GoodPrompt1.Replace("3}", "1}"), 1).Concat(Enumerable.Range(2, 10).Select(i => GoodPrompt1.Replace("3}", $"{i}}}"))).ToList();
        lines.Add("""{"prompt": "Her car is broken. But", "correct": " she", "label": "female", "pair": 99}""");
        var path = Write("prompts.test.jsonl", string.Join("\n", lines) + "\n");
        var act = () => JsonLinesReader.ReadPrompts(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}:12: missing field \"wrong\"");
    }

    [Test]
    public void MalformedJsonNamesFileAndLine()
    {
        var path = Write("sentences.train.jsonl", """
            {"text": "She is tall.", "label": "female", "pair": 0}
            {"text": "He is tall.", "label": "male", "pair": 0
            """);
        var act = () => JsonLinesReader.ReadSentences(path, Gender);
        act.Should().Throw<HarnessException>().WithMessage($"{path}:2: not valid JSON (*)");
    }

    [Test]
    public void TrailingCommaAndCommentsAreNotJson()
    {
        var path = Write("a.jsonl", """{"text": "x", "label": "female", "pair": 0,}""");
        ((Action)(() => JsonLinesReader.ReadSentences(path, Gender))).Should().Throw<HarnessException>().WithMessage($"{path}:1: not valid JSON*");
        var path2 = Write("b.jsonl", """{"text": "x", "label": "female", "pair": 0} // note""");
        ((Action)(() => JsonLinesReader.ReadSentences(path2, Gender))).Should().Throw<HarnessException>().WithMessage($"{path2}:1: not valid JSON*");
    }

    [TestCase("")]
    [TestCase("\n\n  \n")]
    public void EmptyFileIsAnError(string content)
    {
        var path = Write("prompts.train.jsonl", content);
        var act = () => JsonLinesReader.ReadPrompts(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}: empty file (no records)");
    }

    [Test]
    public void UnknownLabelNamesFileLineAndLabelSet()
    {
        var path = Write("sentences.test.jsonl", """
            {"text": "She is tall.", "label": "female", "pair": 0}
            {"text": "He is tall.", "label": "femal", "pair": 0}
            """);
        var act = () => JsonLinesReader.ReadSentences(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}:2: label \"femal\" is not one of female, male");
    }

    [TestCase("""{"text": "x", "label": "female", "pair": "1"}""", "field \"pair\" must be a non-negative integer, got \"1\"")]
    [TestCase("""{"text": "x", "label": "female", "pair": -1}""", "field \"pair\" must be a non-negative integer, got -1")]
    [TestCase("""{"text": "x", "label": "female", "pair": 1.5}""", "field \"pair\" must be a non-negative integer, got 1.5")]
    [TestCase("""{"text": 5, "label": "female", "pair": 1}""", "field \"text\" must be a string, got a number")]
    [TestCase("""{"text": "  ", "label": "female", "pair": 1}""", "field \"text\" is empty")]
    [TestCase("""{"text": "x", "label": "female", "pair": 1, "text": "y"}""", "field \"text\" is given twice")]
    [TestCase("""["x", "female", 1]""", "expected a JSON object with fields text, label, pair, got an array")]
    public void BadSentenceRecordsAreNamed(string line, string message)
    {
        var path = Write("s.jsonl", line + "\n");
        var act = () => JsonLinesReader.ReadSentences(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}:1: {message}");
    }

    [Test]
    public void SameAnswerTwiceIsAnError()
    {
        var path = Write("p.jsonl", """{"prompt": "x", "correct": " she", "wrong": " she", "label": "female", "pair": 0}""");
        var act = () => JsonLinesReader.ReadPrompts(path, Gender);
        act.Should().Throw<HarnessException>().WithMessage($"{path}:1: \"correct\" and \"wrong\" are the same*");
    }

    [Test]
    public void APairHasOneItemPerLabel()
    {
        var path = Write("s.jsonl", """
            {"text": "She is tall.", "label": "female", "pair": 4}
            {"text": "She is kind.", "label": "female", "pair": 4}
            """);
        var act = () => JsonLinesReader.ReadSentences(path, Gender);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}:2: pair 4 already has a \"female\" item (line 1)");
    }

    [Test]
    public void MissingFileIsAnError()
    {
        var path = Path.Combine(_dir, "nope.jsonl");
        ((Action)(() => JsonLinesReader.ReadTexts(path))).Should().Throw<HarnessException>().Which.Message.Should().Be($"{path}: no such file");
    }

    [Test]
    public void TextRecordsRejectExtraFields()
    {
        var path = Write("text.jsonl", "{\"text\": \"It rains.\"}\n{\"text\": \"It snows.\", \"label\": \"control\"}\n");
        ((Action)(() => JsonLinesReader.ReadTexts(path))).Should().Throw<HarnessException>().Which.Message.Should().Be(
            $"{path}:2: unknown field \"label\" (expected text)");
    }

    [Test]
    public void ManifestIsStrictToo()
    {
        var good = Write("dataset.json", """{"description": "d", "labels": ["left", "right"]}""");
        JsonLinesReader.ReadManifest(good).Labels.Should().Equal("left", "right");
        var extra = Write("dataset2.json", """{"description": "d", "labels": ["a"], "seed": 1}""");
        ((Action)(() => JsonLinesReader.ReadManifest(extra))).Should().Throw<HarnessException>().Which.Message.Should().Be(
            $"{extra}: unknown field \"seed\" (expected description, labels)");
        var none = Write("dataset3.json", """{"description": "d", "labels": []}""");
        ((Action)(() => JsonLinesReader.ReadManifest(none))).Should().Throw<HarnessException>().WithMessage($"{none}: *at least one label*");
        var twice = Write("dataset4.json", """{"description": "d", "labels": ["a", "a"]}""");
        ((Action)(() => JsonLinesReader.ReadManifest(twice))).Should().Throw<HarnessException>().WithMessage($"{twice}: label \"a\" is listed twice");
    }
}
