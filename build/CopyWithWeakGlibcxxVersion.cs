// Inline MSBuild task (compiled by RoslynCodeTaskFactory); see LibTorchSharpCompat.targets for why.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Copies libLibTorchSharp.so to its output place with the missing GLIBCXX version need marked weak.
/// The copy is written to a temporary file beside the destination, marked, given the source's
/// timestamp and then renamed over the destination: a process that starts loading the library at any
/// moment of a build finds either the old marked file or the new one, never an unmarked one, and a
/// process that has the old one mapped keeps its own inode. An up-to-date destination is not touched.
/// </summary>
public sealed class CopyWithWeakGlibcxxVersion : Task
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

    /// <summary>The package's libraries; metadata Destination is where each goes.</summary>
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    /// <summary>The destinations, for the build's list of files it wrote.</summary>
    [Output] public ITaskItem[] Written { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        string? system = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        bool mark = system == null || !Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0"));
        var written = new System.Collections.Generic.List<ITaskItem>();
        foreach (ITaskItem item in Libraries)
        {
            string source = item.GetMetadata("FullPath");
            string destination = Path.GetFullPath(item.GetMetadata("Destination"));
            written.Add(new TaskItem(destination));
            try
            {
                var from = new FileInfo(source);
                var to = new FileInfo(destination);
                if (to.Exists && to.Length == from.Length && to.LastWriteTimeUtc == from.LastWriteTimeUtc)
                {
                    Log.LogMessage(MessageImportance.Low, $"{destination} is up to date.");
                    continue;
                }
                Directory.CreateDirectory(to.DirectoryName!);
                string temporary = destination + ".tmp-" + Guid.NewGuid().ToString("N");
                try
                {
                    File.Copy(source, temporary);
                    bool changed = mark && MarkWeak(temporary, Version);
                    File.SetLastWriteTimeUtc(temporary, from.LastWriteTimeUtc);
                    if (File.Exists(destination)) File.Replace(temporary, destination, null);
                    else File.Move(temporary, destination);
                    Log.LogMessage(MessageImportance.Normal,
                        changed ? $"Copied {source} to {destination} with {Version} marked weak."
                                : $"Copied {source} to {destination} ({system} provides {Version}, or the library does not need it).");
                }
                finally
                {
                    if (File.Exists(temporary)) File.Delete(temporary);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"Cannot copy {source} to {destination} with {Version} marked weak: {e.Message}");
            }
        }
        Written = written.ToArray();
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
