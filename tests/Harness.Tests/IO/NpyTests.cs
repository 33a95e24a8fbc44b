using System.Text;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.IO;

public class NpyTests
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    [TestCase(ScalarType.Int64)]
    [TestCase(ScalarType.Int32)]
    public void RoundTripKeepsDtypeShapeAndValues(ScalarType dtype)
    {
        using var folder = new TempFolder();
        foreach (var shape in new[] { new long[] { 3, 2 }, new long[] { 5 }, new long[] { 0, 4 }, new long[] { 2, 3, 4 } })
        {
            var path = folder.File("a.npy");
            var tensor = (arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Float64) * 1.5 - 7).to_type(dtype).reshape(shape);
            Npy.Write(path, tensor);
            var back = Npy.Read(path);
            back.dtype.Should().Be(dtype);
            back.shape.Should().Equal(shape);
            Tensors.Same(back, tensor).Should().BeTrue();
        }
    }

    [Test]
    public void RoundTripOfNonContiguousTensorWritesCOrder()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.npy");
        var tensor = arange(6, dtype: ScalarType.Float32).reshape(2, 3).t();
        Npy.Write(path, tensor);
        Tensors.Same(Npy.Read(path), tensor).Should().BeTrue();
    }

    /// NumPy's format (numpy/lib/format.py, v1.0): magic "\x93NUMPY", version 1 0, a little-endian
    /// uint16 header length, then the repr of the dict with sorted keys, 21 - len(repr(shape[0]))
    /// spare spaces (not for 0-d arrays), then 1 to 64 spaces and a newline so that the whole
    /// prefix is a multiple of 64 bytes. The lengths below were worked out by hand from that rule.
    [Test]
    public void HeaderIsByteForByteWhatNumPyWrites()
    {
        using var folder = new TempFolder();
        var path = folder.File("a.npy");
        Npy.Write(path, tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(3, 2));
        var bytes = File.ReadAllBytes(path);

        // 59 dict characters + 20 spare spaces + 38 padding spaces + newline = 118 = 0x76 ('v').
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        dict.Length.Should().Be(59);
        var expected = Magic.Concat(new byte[] { 0x76, 0x00 })
            .Concat(Encoding.ASCII.GetBytes(dict + new string(' ', 20 + 38) + "\n"))
            .Concat(new float[] { 1, 2, 3, 4, 5, 6 }.SelectMany(BitConverter.GetBytes))
            .ToArray();
        bytes.Should().Equal(expected);
    }

    [TestCase(new long[] { 5 }, "<i8", "(5,)", 20, 40, 118)]
    [TestCase(new long[] { 20000, 768 }, "<f8", "(20000, 768)", 16, 36, 118)]
    // The spare spaces push this header past the first 64-byte block (98 + 20 + 1 > 118).
    [TestCase(new long[] { 1, 0, 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "<f8", "(1, 0, 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)", 20, 63, 182)]
    // Already aligned before padding (10 + 97 + 20 + 1 = 128): NumPy still pads, with a full 64 spaces.
    [TestCase(new long[] { 1, 0, 100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, "<f8", "(1, 0, 100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)", 20, 64, 182)]
    public void HeaderPaddingFollowsNumPy(long[] shape, string descr, string shapeRepr, int spare, int padding, int headerLength)
    {
        using var folder = new TempFolder();
        var path = folder.File("a.npy");
        var dtype = descr == "<i8" ? ScalarType.Int64 : ScalarType.Float64;
        Npy.Write(path, zeros(shape, dtype: dtype));
        var bytes = File.ReadAllBytes(path);

        bytes.Take(8).Should().Equal(Magic);
        BitConverter.ToUInt16(bytes, 8).Should().Be((ushort)headerLength);
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeRepr}, }}";
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        header.Should().Be(dict + new string(' ', spare + padding) + "\n");
        ((10 + headerLength) % 64).Should().Be(0);
    }

    [Test]
    public void ReadsAHandMadeFileWithoutSparePadding()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.npy");
        // Older NumPy versions pad to 16 bytes and write no spare spaces: still valid to read.
        File.WriteAllBytes(path, Handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new double[] { 1.5, -2 }.SelectMany(BitConverter.GetBytes).ToArray(), align: 16));
        var t = Npy.Read(path);
        t.dtype.Should().Be(ScalarType.Float64);
        t.data<double>().ToArray().Should().Equal(1.5, -2);
    }

    [TestCase("<f2", "unsupported .npy dtype '<f2'")]
    [TestCase(">f8", "unsupported .npy dtype '>f8'")]
    [TestCase("|b1", "unsupported .npy dtype '|b1'")]
    [TestCase("<u8", "unsupported .npy dtype '<u8'")]
    public void UnsupportedDtypeIsOneLineNamingTheFile(string descr, string message)
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.npy");
        File.WriteAllBytes(path, Handmade($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[16]));
        var act = () => Npy.Read(path);
        act.Should().Throw<HarnessException>().Which.Message.Should().StartWith(path + ": " + message).And.NotContain("\n");
    }

    [Test]
    public void FortranOrderIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("f.npy");
        File.WriteAllBytes(path, Handmade("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", new byte[32]));
        var act = () => Npy.Read(path);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: Fortran-ordered .npy is not supported*");
    }

    [Test]
    public void TruncatedDataAndBadMagicAreRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.npy");
        File.WriteAllBytes(path, Handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new byte[16]));
        var act = () => Npy.Read(path);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: data holds 16 bytes but shape (3) of <f8 needs 24");

        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("PK\x03\x04 not an npy file"));
        act.Should().Throw<HarnessException>().WithMessage($"{path}: not a .npy file*");
    }

    [Test]
    public void MissingFileIsOneLine()
    {
        var act = () => Npy.Read("/nonexistent/x.npy");
        act.Should().Throw<HarnessException>().WithMessage("/nonexistent/x.npy: cannot read .npy file*");
    }

    [Test]
    public void WritingAnUnsupportedDtypeIsRefused()
    {
        using var folder = new TempFolder();
        var act = () => Npy.Write(folder.File("b.npy"), ones(3, dtype: ScalarType.Bool));
        act.Should().Throw<HarnessException>().WithMessage("*cannot write a Bool tensor as .npy*");
    }

    /// A v1.0 .npy file from a header dict and raw data, padded with spaces and a newline to `align`.
    internal static byte[] Handmade(string dict, byte[] data, int align = 64)
    {
        int unpadded = 10 + dict.Length + 1;
        var header = dict + new string(' ', (align - unpadded % align) % align) + "\n";
        return Magic.Concat(BitConverter.GetBytes((ushort)header.Length)).Concat(Encoding.ASCII.GetBytes(header)).Concat(data).ToArray();
    }
}
