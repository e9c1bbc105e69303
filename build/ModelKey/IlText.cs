using System.Buffers.Binary;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Text;

namespace AutoEncoder.ModelKey;

/// <summary>
/// Writes a method body's IL as text with every token replaced by what it names (a type, member or
/// string), so the text is the same however the compiler numbered the metadata rows. Branch offsets
/// stay as they are: they are relative to the instruction and move only when the code does.
/// </summary>
internal static class IlText
{
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields()
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>Appends one line per instruction of <paramref name="body"/> to <paramref name="text"/>.</summary>
    /// <exception cref="BadImageFormatException">The IL holds an opcode that does not exist.</exception>
    public static void Append(StringBuilder text, MethodBodyBlock body, MetadataReader reader, SignatureText names)
    {
        byte[] il = body.GetILBytes() ?? [];
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE && at + 1 < il.Length ? (short)(0xFE00 | il[at + 1]) : il[at];
            if (!OpCodesByValue.TryGetValue(value, out OpCode code))
                throw new BadImageFormatException($"unknown IL opcode 0x{value:X} at offset {at}");
            at += code.Size;
            text.Append(code.Name);
            at += AppendOperand(text, code.OperandType, il.AsSpan(at), reader, names);
            text.Append('\n');
        }
    }

    static int AppendOperand(StringBuilder text, OperandType kind, ReadOnlySpan<byte> operand, MetadataReader reader, SignatureText names)
    {
        switch (kind)
        {
            case OperandType.InlineNone:
                return 0;
            case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                text.Append(' ').Append(operand[0]);
                return 1;
            case OperandType.InlineVar:
                text.Append(' ').Append(BinaryPrimitives.ReadUInt16LittleEndian(operand));
                return 2;
            case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR:
                text.Append(' ').Append(BinaryPrimitives.ReadInt32LittleEndian(operand));
                return 4;
            case OperandType.InlineI8 or OperandType.InlineR:
                text.Append(' ').Append(BinaryPrimitives.ReadInt64LittleEndian(operand));
                return 8;
            case OperandType.InlineSwitch:
                int count = BinaryPrimitives.ReadInt32LittleEndian(operand);
                for (int i = 0; i < count; i++)
                    text.Append(' ').Append(BinaryPrimitives.ReadInt32LittleEndian(operand[(4 + 4 * i)..]));
                return 4 + 4 * count;
            case OperandType.InlineString:
                int stringToken = BinaryPrimitives.ReadInt32LittleEndian(operand);
                text.Append(" \"").Append(reader.GetUserString(MetadataTokens.UserStringHandle(stringToken & 0xFFFFFF))).Append('"');
                return 4;
            case OperandType.InlineSig:
                int signatureToken = BinaryPrimitives.ReadInt32LittleEndian(operand);
                StandaloneSignature signature = reader.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(signatureToken & 0xFFFFFF));
                text.Append(' ').Append(SignatureText.Method(signature.DecodeMethodSignature(names, null)));
                return 4;
            default: // InlineField, InlineMethod, InlineTok, InlineType
                EntityHandle handle = MetadataTokens.EntityHandle(BinaryPrimitives.ReadInt32LittleEndian(operand));
                text.Append(' ').Append(names.Member(handle));
                return 4;
        }
    }
}
