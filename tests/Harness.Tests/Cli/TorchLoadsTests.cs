using static TorchSharp.torch;

namespace Harness.Tests.Cli;

/// The native TorchSharp library loads on this machine (on Debian 12 only thanks to the build step
/// in Directory.Build.targets that weakens its GLIBCXX_3.4.32 need).
public class TorchLoadsTests
{
    [Test]
    public void TorchComputes()
    {
        var x = arange(4, dtype: ScalarType.Float32);
        (x * x).sum().item<float>().Should().Be(14f);
    }
}
