// MSBuild task: marks one ELF version-need entry (for example GLIBCXX_3.4.32) as weak in a copied
// native library, when the system's provider library lacks that version.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so lists GLIBCXX_3.4.32 among its needs only for the
// marker symbol std::ios_base_library_init, which nothing calls. Debian 12's libstdc++ stops at
// GLIBCXX_3.4.30, so the dynamic loader refuses the whole library and TorchSharp reports a
// misleading "doesn't contain a reference to libtorch-cpu" error. A weak version need is allowed to
// be missing (glibc's loader then only notes it under LD_DEBUG), so the library loads and works.
//
// The task edits only the copy in the build output, never the NuGet cache; it changes two bytes
// (the vna_flags field of one Vernaux entry), is idempotent, and does nothing when the system
// already provides the version or the file is not a 64-bit little-endian ELF.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";
    [Required] public string ProviderLibrary { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    public override bool Execute()
    {
        var targets = Files.Select(f => f.ItemSpec).Where(File.Exists).ToArray();
        if (targets.Length == 0) return true;
        if (SystemProvides(ProviderLibrary, Version))
        {
            Log.LogMessage(MessageImportance.Low, $"{ProviderLibrary} provides {Version}; nothing to patch.");
            return true;
        }
        foreach (var path in targets)
        {
            try
            {
                var outcome = Weaken(path, Version);
                Log.LogMessage(MessageImportance.Normal, $"WeakenVersionNeed: {path}: {outcome}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogWarning($"WeakenVersionNeed: could not patch {path}: {e.Message}");
            }
        }
        return true;
    }

    /// True when a copy of the provider library known to the dynamic loader contains the version
    /// string (libstdc++ defines each GLIBCXX_x version name in its .dynstr).
    static bool SystemProvides(string library, string version)
    {
        var candidates = LoaderCachePaths(library).Concat(new[]
        {
            "/usr/lib/x86_64-linux-gnu/" + library, "/lib/x86_64-linux-gnu/" + library,
            "/usr/lib64/" + library, "/lib64/" + library, "/usr/lib/" + library,
        }).Where(File.Exists).Distinct().ToArray();
        if (candidates.Length == 0) return true; // cannot tell: leave the file alone
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        return candidates.Any(p => IndexOf(File.ReadAllBytes(p), needle) >= 0);
    }

    static string[] LoaderCachePaths(string library)
    {
        try
        {
            var psi = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text.Split('\n')
                .Where(l => l.TrimStart().StartsWith(library + " ", StringComparison.Ordinal) && l.Contains("x86-64"))
                .Select(l => l.Substring(l.LastIndexOf("=>", StringComparison.Ordinal) + 2).Trim())
                .ToArray();
        }
        catch (Exception) { return Array.Empty<string>(); }
    }

    static string Weaken(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            return "not an ELF file; left alone";
        if (bytes[4] != 2 || bytes[5] != 1) return "not 64-bit little-endian ELF; left alone";

        ulong shoff = BitConverter.ToUInt64(bytes, 0x28);
        ushort shentsize = BitConverter.ToUInt16(bytes, 0x3A);
        ushort shnum = BitConverter.ToUInt16(bytes, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (BitConverter.ToUInt32(bytes, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(bytes, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(bytes, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(bytes, checked((int)shoff + link * shentsize) + 0x18));

            int need = offset;
            while (true)
            {
                ushort count = BitConverter.ToUInt16(bytes, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(bytes, need + 8);
                for (int a = 0; a < count; a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(bytes, aux + 8);
                    if (ReadCString(bytes, name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(bytes, aux + 4);
                        if ((flags & VerFlagWeak) != 0) return $"{version} already weak";
                        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                        stream.Position = aux + 4;
                        stream.Write(BitConverter.GetBytes((ushort)(flags | VerFlagWeak)), 0, 2);
                        return $"marked the need for {version} weak";
                    }
                    uint nextAux = BitConverter.ToUInt32(bytes, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(bytes, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return $"no need for {version}; left alone";
    }

    static string ReadCString(byte[] bytes, int start)
    {
        int end = start;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
