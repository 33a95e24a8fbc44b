using Harness.Models;

namespace Harness.Tests.Models;

public class TokenizerTests
{
    [Test]
    public void KnownGpt2TokenIds()
    {
        var t = Gpt2Tokenizer.Instance;
        t.Encode(" he").Should().Equal(339);
        t.Encode(" she").Should().Equal(673);
        t.Encode(" The nurse said that").Should().Equal(383, 15849, 531, 326);
        t.Decode(new[] { 383, 15849, 531, 326 }).Should().Be(" The nurse said that");
    }
}
