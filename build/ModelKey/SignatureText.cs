using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;

namespace AutoEncoder.ModelKey;

/// <summary>
/// Writes a type signature as text that names types instead of numbering them, so that it does not
/// depend on the order in which the compiler happened to emit the metadata tables.
/// </summary>
internal sealed partial class SignatureText(MetadataReader reader) : ISignatureTypeProvider<string, object?>
{
    public string GetArrayType(string elementType, ArrayShape shape) => $"{elementType}[{new string(',', shape.Rank - 1)}]";
    public string GetByReferenceType(string elementType) => elementType + "&";
    public string GetFunctionPointerType(MethodSignature<string> signature) => "method " + Method(signature);
    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
        $"{genericType}<{string.Join(",", typeArguments)}>";
    public string GetGenericMethodParameter(object? genericContext, int index) => $"!!{index}";
    public string GetGenericTypeParameter(object? genericContext, int index) => $"!{index}";
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) =>
        $"{unmodifiedType} {(isRequired ? "modreq" : "modopt")}({modifier})";
    public string GetPinnedType(string elementType) => elementType + " pinned";
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => Name(handle);
    public string GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => Name(handle);
    public string GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        Type(handle);

    /// <summary>A method signature: calling convention, generic arity, return and parameter types.</summary>
    public static string Method(MethodSignature<string> signature) =>
        $"{signature.Header} `{signature.GenericParameterCount} {signature.ReturnType}({string.Join(",", signature.ParameterTypes)})";

    /// <summary>A type defined in this assembly, nested types after their declaring type's name.</summary>
    public string Name(TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = WithoutPathHash(reader.GetString(type.Name));
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        return declaring.IsNil ? Qualified(reader.GetString(type.Namespace), name) : $"{Name(declaring)}/{name}";
    }

    /// <summary>A type of another assembly (named, without its version: package versions are keyed apart).</summary>
    public string Name(TypeReferenceHandle handle)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = Qualified(reader.GetString(type.Namespace), reader.GetString(type.Name));
        EntityHandle scope = type.ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.TypeReference => $"{Name((TypeReferenceHandle)scope)}/{name}",
            HandleKind.AssemblyReference => $"[{reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)}]{name}",
            HandleKind.ModuleReference => $"[.module {reader.GetString(reader.GetModuleReference((ModuleReferenceHandle)scope).Name)}]{name}",
            _ => name,
        };
    }

    /// <summary>A type named by any of the three kinds of handle.</summary>
    public string Type(EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => Name((TypeDefinitionHandle)handle),
        HandleKind.TypeReference => Name((TypeReferenceHandle)handle),
        HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
        HandleKind.MethodDefinition or HandleKind.MemberReference or HandleKind.MethodSpecification
            or HandleKind.FieldDefinition => Member(handle),
        _ => $"<{handle.Kind}>",
    };

    /// <summary>A field or method, by its declaring type, name and signature.</summary>
    public string Member(EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return $"{Name(method.GetDeclaringType())}::{reader.GetString(method.Name)} {Method(method.DecodeSignature(this, null))}";
            case HandleKind.FieldDefinition:
                FieldDefinition field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                return $"{Name(field.GetDeclaringType())}::{reader.GetString(field.Name)} {field.DecodeSignature(this, null)}";
            case HandleKind.MemberReference:
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                string parent = member.Parent.Kind == HandleKind.ModuleReference
                    ? reader.GetString(reader.GetModuleReference((ModuleReferenceHandle)member.Parent).Name)
                    : Type(member.Parent);
                string signature = member.GetKind() == MemberReferenceKind.Method
                    ? Method(member.DecodeMethodSignature(this, null))
                    : member.DecodeFieldSignature(this, null);
                return $"{parent}::{reader.GetString(member.Name)} {signature}";
            case HandleKind.MethodSpecification:
                MethodSpecification specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                return $"{Member(specification.Method)}<{string.Join(",", specification.DecodeSignature(this, null))}>";
            default:
                return Type(handle);
        }
    }

    static string Qualified(string space, string name) => space.Length == 0 ? name : $"{space}.{name}";

    /// <summary>
    /// A file-local type (C# <c>file class</c>, as the regex source generator writes) is named
    /// <c>&lt;File&gt;F{hash of the file's path}__Name</c>: the hash follows the clone's folder and CI's path
    /// map, not the code, so it is left out.
    /// </summary>
    static string WithoutPathHash(string name) => FileLocalHash().Replace(name, "F__");

    [GeneratedRegex("(?<=>)F[0-9A-F]{64}__")]
    private static partial Regex FileLocalHash();
}
