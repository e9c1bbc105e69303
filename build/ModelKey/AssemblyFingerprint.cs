using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;

namespace AutoEncoder.ModelKey;

/// <summary>
/// A SHA-256 of what an assembly computes: its types, fields (with constants and static data), methods
/// (signatures, IL with tokens resolved to names, locals, exception regions), properties, events and the
/// custom attributes on all of them, each type written as text and the types sorted by name.
/// </summary>
/// <remarks>
/// Left out, because they change with edits that change no result: the MVID and timestamps, the debug
/// directory (line numbers, local names, source paths live in the PDB), embedded resources, the order of
/// metadata rows (which follows the order of source files), and the assembly's own attributes (the
/// informational version carries the commit id).
/// </remarks>
internal static class AssemblyFingerprint
{
    /// <summary>The fingerprint of the assembly at <paramref name="path"/>, as 64 hex digits.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Of(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
            throw new BadImageFormatException($"{path}: expected a .NET assembly, found a file without metadata");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text(pe))));
    }

    /// <summary>The canonical text the fingerprint hashes (for <c>--list</c> and tests).</summary>
    public static string Text(PEReader pe) => string.Join("\n", Types(pe).Select(type => type.Text).Order(StringComparer.Ordinal));

    /// <summary>
    /// Each type's name and text: what it declares and every type and member its signatures and IL name
    /// (other assemblies' as <c>[Assembly]Namespace.Type</c>). The layering tests read what a type uses from it.
    /// </summary>
    public static IEnumerable<(string Name, string Text)> Types(PEReader pe)
    {
        MetadataReader reader = pe.GetMetadataReader();
        var names = new SignatureText(reader);
        return reader.TypeDefinitions.Select(handle => (names.Name(handle), TypeText(handle, pe, reader, names))).ToList();
    }

    static string TypeText(TypeDefinitionHandle handle, PEReader pe, MetadataReader reader, SignatureText names)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        var text = new StringBuilder();
        text.Append(".class ").Append(names.Name(handle)).Append(' ').Append(type.Attributes);
        if (!type.BaseType.IsNil)
            text.Append(" extends ").Append(names.Type(type.BaseType));
        text.Append('\n');
        foreach (string line in type.GetInterfaceImplementations()
                     .Select(i => "implements " + names.Type(reader.GetInterfaceImplementation(i).Interface)).Order(StringComparer.Ordinal))
            text.Append(line).Append('\n');
        AppendGenericParameters(text, type.GetGenericParameters(), reader, names);
        AppendAttributes(text, type.GetCustomAttributes(), reader, names);
        TypeLayout layout = type.GetLayout();
        text.Append($"layout {layout.PackingSize} {layout.Size}\n");

        foreach (string field in type.GetFields().Select(f => FieldText(f, pe, reader, names)).Order(StringComparer.Ordinal))
            text.Append(field);
        foreach (string method in type.GetMethods().Select(m => MethodText(m, pe, reader, names)).Order(StringComparer.Ordinal))
            text.Append(method);
        foreach (string property in type.GetProperties().Select(p => PropertyText(p, reader, names)).Order(StringComparer.Ordinal))
            text.Append(property);
        foreach (string @event in type.GetEvents().Select(e => EventText(e, reader, names)).Order(StringComparer.Ordinal))
            text.Append(@event);
        foreach (string line in type.GetMethodImplementations().Select(m =>
                 {
                     MethodImplementation implementation = reader.GetMethodImplementation(m);
                     return $".override {names.Member(implementation.MethodDeclaration)} with {names.Member(implementation.MethodBody)}";
                 }).Order(StringComparer.Ordinal))
            text.Append(line).Append('\n');
        return text.ToString();
    }

    static string FieldText(FieldDefinitionHandle handle, PEReader pe, MetadataReader reader, SignatureText names)
    {
        FieldDefinition field = reader.GetFieldDefinition(handle);
        var text = new StringBuilder();
        text.Append(".field ").Append(reader.GetString(field.Name)).Append(' ').Append(field.Attributes)
            .Append(' ').Append(field.DecodeSignature(names, null)).Append('\n');
        ConstantHandle constant = field.GetDefaultValue();
        if (!constant.IsNil)
            text.Append("= ").Append(Convert.ToHexString(reader.GetBlobBytes(reader.GetConstant(constant).Value))).Append('\n');
        int rva = field.GetRelativeVirtualAddress();
        if (rva != 0)
            text.Append("data ").Append(Convert.ToHexString(FieldData(pe, reader, field, rva))).Append('\n');
        AppendAttributes(text, field.GetCustomAttributes(), reader, names);
        return text.ToString();
    }

    /// <summary>
    /// A static field's initial bytes (array initialisers): as many as its type's size, which the
    /// compiler declares as an explicit-layout struct (or a primitive for small blocks).
    /// </summary>
    static byte[] FieldData(PEReader pe, MetadataReader reader, FieldDefinition field, int rva)
    {
        int size = field.DecodeSignature(new FieldSizes(reader), null);
        PEMemoryBlock block = pe.GetSectionData(rva);
        return block.GetContent(0, Math.Min(size, block.Length)).ToArray();
    }

    static string MethodText(MethodDefinitionHandle handle, PEReader pe, MetadataReader reader, SignatureText names)
    {
        MethodDefinition method = reader.GetMethodDefinition(handle);
        var text = new StringBuilder();
        text.Append(".method ").Append(reader.GetString(method.Name)).Append(' ').Append(method.Attributes)
            .Append(' ').Append(method.ImplAttributes).Append(' ')
            .Append(SignatureText.Method(method.DecodeSignature(names, null))).Append('\n');
        AppendGenericParameters(text, method.GetGenericParameters(), reader, names);
        AppendAttributes(text, method.GetCustomAttributes(), reader, names);
        // Parameter names can reach results (System.Text.Json binds constructor parameters by name), but those
        // of lambdas and local functions, whose compiler-given names start with '<', are local names.
        bool generated = reader.GetString(method.Name).StartsWith('<');
        foreach (ParameterHandle parameterHandle in method.GetParameters())
        {
            Parameter parameter = reader.GetParameter(parameterHandle);
            string name = generated ? "" : reader.GetString(parameter.Name);
            text.Append($".param {parameter.SequenceNumber} {name} {parameter.Attributes}\n");
            ConstantHandle constant = parameter.GetDefaultValue();
            if (!constant.IsNil)
                text.Append("= ").Append(Convert.ToHexString(reader.GetBlobBytes(reader.GetConstant(constant).Value))).Append('\n');
            AppendAttributes(text, parameter.GetCustomAttributes(), reader, names);
        }
        if (method.RelativeVirtualAddress != 0)
        {
            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            text.Append($".maxstack {body.MaxStack} {body.LocalVariablesInitialized}\n");
            if (!body.LocalSignature.IsNil)
            {
                var locals = reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null);
                text.Append(".locals ").Append(string.Join(",", locals)).Append('\n');
            }
            foreach (ExceptionRegion region in body.ExceptionRegions)
            {
                text.Append($".try {region.Kind} {region.TryOffset} {region.TryLength} {region.HandlerOffset} {region.HandlerLength} {region.FilterOffset}");
                if (!region.CatchType.IsNil)
                    text.Append(' ').Append(names.Type(region.CatchType));
                text.Append('\n');
            }
            IlText.Append(text, body, reader, names);
        }
        return text.ToString();
    }

    static string PropertyText(PropertyDefinitionHandle handle, MetadataReader reader, SignatureText names)
    {
        PropertyDefinition property = reader.GetPropertyDefinition(handle);
        PropertyAccessors accessors = property.GetAccessors();
        var text = new StringBuilder();
        text.Append($".property {reader.GetString(property.Name)} {property.Attributes} {SignatureText.Method(property.DecodeSignature(names, null))}");
        text.Append($" get {Accessor(accessors.Getter, reader)} set {Accessor(accessors.Setter, reader)}\n");
        AppendAttributes(text, property.GetCustomAttributes(), reader, names);
        return text.ToString();
    }

    static string EventText(EventDefinitionHandle handle, MetadataReader reader, SignatureText names)
    {
        EventDefinition @event = reader.GetEventDefinition(handle);
        EventAccessors accessors = @event.GetAccessors();
        var text = new StringBuilder();
        text.Append($".event {reader.GetString(@event.Name)} {@event.Attributes} {names.Type(@event.Type)}");
        text.Append($" add {Accessor(accessors.Adder, reader)} remove {Accessor(accessors.Remover, reader)}\n");
        AppendAttributes(text, @event.GetCustomAttributes(), reader, names);
        return text.ToString();
    }

    static string Accessor(MethodDefinitionHandle handle, MetadataReader reader) =>
        handle.IsNil ? "-" : reader.GetString(reader.GetMethodDefinition(handle).Name);

    static void AppendGenericParameters(StringBuilder text, GenericParameterHandleCollection parameters, MetadataReader reader, SignatureText names)
    {
        foreach (GenericParameterHandle handle in parameters)
        {
            GenericParameter parameter = reader.GetGenericParameter(handle);
            text.Append($".generic {parameter.Index} {reader.GetString(parameter.Name)} {parameter.Attributes}");
            foreach (string constraint in parameter.GetConstraints()
                         .Select(c => names.Type(reader.GetGenericParameterConstraint(c).Type)).Order(StringComparer.Ordinal))
                text.Append(' ').Append(constraint);
            text.Append('\n');
            AppendAttributes(text, parameter.GetCustomAttributes(), reader, names);
        }
    }

    static void AppendAttributes(StringBuilder text, CustomAttributeHandleCollection attributes, MetadataReader reader, SignatureText names)
    {
        foreach (string line in attributes.Select(handle =>
                 {
                     CustomAttribute attribute = reader.GetCustomAttribute(handle);
                     return $".custom {names.Member(attribute.Constructor)} {Convert.ToHexString(reader.GetBlobBytes(attribute.Value))}";
                 }).Order(StringComparer.Ordinal))
            text.Append(line).Append('\n');
    }
}
