using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace AutoEncoder.ModelKey;

/// <summary>
/// The size in bytes of a field with static data: a primitive, or a struct of this assembly whose
/// explicit layout gives the size (as the compiler declares array-initialiser blocks). Anything else
/// has no data the compiler writes, and counts as zero.
/// </summary>
internal sealed class FieldSizes(MetadataReader reader) : ISignatureTypeProvider<int, object?>
{
    public int GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Boolean or PrimitiveTypeCode.Byte or PrimitiveTypeCode.SByte => 1,
        PrimitiveTypeCode.Char or PrimitiveTypeCode.Int16 or PrimitiveTypeCode.UInt16 => 2,
        PrimitiveTypeCode.Int32 or PrimitiveTypeCode.UInt32 or PrimitiveTypeCode.Single => 4,
        PrimitiveTypeCode.Int64 or PrimitiveTypeCode.UInt64 or PrimitiveTypeCode.Double => 8,
        _ => 0,
    };
    public int GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) =>
        reader.GetTypeDefinition(handle).GetLayout().Size;
    public int GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => 0;
    public int GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => 0;
    public int GetArrayType(int elementType, ArrayShape shape) => 0;
    public int GetByReferenceType(int elementType) => 0;
    public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
    public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
    public int GetGenericMethodParameter(object? genericContext, int index) => 0;
    public int GetGenericTypeParameter(object? genericContext, int index) => 0;
    public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => unmodifiedType;
    public int GetPinnedType(int elementType) => 0;
    public int GetPointerType(int elementType) => 0;
    public int GetSZArrayType(int elementType) => 0;
}
