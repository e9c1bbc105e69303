// Inline MSBuild task (compiled by RoslynCodeTaskFactory); see LibTorchSharpCompat.targets for why.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenMissingGlibcxxVersion : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        string? system = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (system != null && Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{system} provides {Version}; nothing to do.");
            return true;
        }

        foreach (ITaskItem item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                bool changed = MarkWeak(path, Version);
                Log.LogMessage(MessageImportance.Normal,
                    changed ? $"Marked {Version} weak in {path}." : $"{path}: {Version} already weak or not needed.");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"Cannot mark {Version} weak in {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool MarkWeak(string path, string version)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var reader = new BinaryReader(file);
        byte[] ident = reader.ReadBytes(16);
        if (ident.Length < 16 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F')
            throw new InvalidDataException("not an ELF file");
        if (ident[4] != 2 || ident[5] != 1)
            throw new InvalidDataException($"expected a little-endian ELF64 file, found class {ident[4]} data {ident[5]}");

        file.Position = 0x28;
        long sectionTable = reader.ReadInt64();
        file.Position = 0x3A;
        ushort entrySize = reader.ReadUInt16();
        ushort sectionCount = reader.ReadUInt16();

        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionTable + (long)i * entrySize;
            file.Position = header + 4;
            if (reader.ReadUInt32() != ShtGnuVerneed) continue;

            file.Position = header + 24;
            long offset = reader.ReadInt64();
            file.Position = header + 40;
            uint stringSection = reader.ReadUInt32();
            uint needCount = reader.ReadUInt32();
            file.Position = sectionTable + (long)stringSection * entrySize + 24;
            long strings = reader.ReadInt64();

            bool changed = false;
            long need = offset;
            for (uint n = 0; n < needCount; n++)
            {
                file.Position = need + 2;
                ushort auxCount = reader.ReadUInt16();
                file.Position = need + 8;
                uint auxOffset = reader.ReadUInt32();
                uint nextNeed = reader.ReadUInt32();

                long aux = need + auxOffset;
                for (int a = 0; a < auxCount; a++)
                {
                    file.Position = aux + 4;
                    ushort flags = reader.ReadUInt16();
                    file.Position = aux + 8;
                    uint name = reader.ReadUInt32();
                    uint nextAux = reader.ReadUInt32();
                    if ((flags & VerFlagWeak) == 0 && ReadString(file, strings + name) == version)
                    {
                        file.Position = aux + 4;
                        new BinaryWriter(file).Write((ushort)(flags | VerFlagWeak));
                        changed = true;
                    }
                    aux += nextAux;
                }
                need += nextNeed;
            }
            return changed;
        }
        return false;
    }

    static string ReadString(Stream file, long position)
    {
        file.Position = position;
        var bytes = new System.Collections.Generic.List<byte>();
        for (int b = file.ReadByte(); b > 0; b = file.ReadByte()) bytes.Add((byte)b);
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    // A plain scan: the task is compiled against netstandard, which lacks span search.
    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
