using System.Text;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.IO;

public class SafetensorsTests
{
    [Test]
    public void RoundTripKeepsTensorsAndMetadata()
    {
        using var folder = new TempFolder();
        var path = folder.File("e.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = randn(3, 4, dtype: ScalarType.Float64),
            ["a"] = randn(5, dtype: ScalarType.Float32),
            ["labels"] = tensor(new long[] { 0, 1, 2 }),
            ["empty"] = zeros(0, 3, dtype: ScalarType.Float64),
        };
        var metadata = new Dictionary<string, string> { ["method"] = "leace", ["dimension"] = "4", ["note"] = "ünïcode \"quoted\"" };
        Safetensors.Write(path, tensors, metadata);

        var back = Safetensors.ReadAll(path, out var readMetadata);
        readMetadata.Should().BeEquivalentTo(metadata);
        back.Keys.Should().BeEquivalentTo(tensors.Keys);
        foreach (var (name, t) in tensors)
        {
            back[name].dtype.Should().Be(t.dtype, name);
            back[name].shape.Should().Equal(t.shape);
            Tensors.Same(back[name], t).Should().BeTrue(name);
        }
        // The header is padded to a multiple of 8 bytes, as the reference writer does.
        (BitConverter.ToUInt64(File.ReadAllBytes(path), 0) % 8).Should().Be(0);
    }

    [Test]
    public void TruncatedDataIsOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        Safetensors.Write(path, new Dictionary<string, Tensor> { ["w"] = ones(10, dtype: ScalarType.Float64) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^8]);
        var act = () => Safetensors.ReadAll(path, out _);
        act.Should().Throw<HarnessException>().Which.Message.Should().StartWith($"{path}: tensor 'w' has data offsets [0, 80] outside the 72-byte data section").And.NotContain("\n");
    }

    [Test]
    public void CorruptHeadersAreOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("c.safetensors");
        var act = () => Safetensors.ReadAll(path, out _);

        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: truncated safetensors file (no header length)");

        // The header length points past the end of the file (a header cut short).
        var json = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}");
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)json.Length).Concat(json[..20]).ToArray());
        act.Should().Throw<HarnessException>().WithMessage($"{path}: corrupt safetensors header (header length {json.Length}, file length 28)");

        // Not JSON.
        var garbage = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F64\",,,}");
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)garbage.Length).Concat(garbage).ToArray());
        act.Should().Throw<HarnessException>().Which.Message.Should().StartWith($"{path}: corrupt safetensors header (").And.NotContain("\n");

        // Metadata that is not strings.
        var badMeta = Encoding.UTF8.GetBytes("{\"__metadata__\":{\"dimension\":4}}");
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)badMeta.Length).Concat(badMeta).ToArray());
        act.Should().Throw<HarnessException>().WithMessage($"{path}: __metadata__ key 'dimension' is not a string");

        // A size that does not match the shape.
        var badSize = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)badSize.Length).Concat(badSize).Concat(new byte[8]).ToArray());
        act.Should().Throw<HarnessException>().WithMessage($"{path}: tensor 'w' of shape [2] F64 needs 16 bytes, header gives 8");
    }

    [Test]
    public void MissingFileIsOneLine()
    {
        var act = () => Safetensors.ReadAll("/nonexistent/e.safetensors", out _);
        act.Should().Throw<HarnessException>().WithMessage("/nonexistent/e.safetensors: file not found");
    }
}
