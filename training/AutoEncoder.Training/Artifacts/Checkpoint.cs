using System.Text.Json;
using System.Text;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Network;

namespace AutoEncoder.Training.Artifacts;

/// <summary>
/// One file holding a JSON <see cref="CheckpointState"/>, the module's weights (TorchSharp's format), the
/// optimiser's state (as the training step writes it) and, under early stopping, the best epoch's weights (empty
/// otherwise, and absent from checkpoints written before it), each length-prefixed so that a reader can check it is whole.
/// </summary>
internal static class Checkpoint
{
    /// <summary>The checkpoint's file name inside an output folder.</summary>
    public const string FileName = "checkpoint.bin";

    static readonly byte[] Magic = "AECKPT01"u8.ToArray();

    /// <summary>Writes the checkpoint atomically.</summary>
    public static void Save(string path, CheckpointState state, AutoEncoderModel model, Action<BinaryWriter> saveOptimizer, byte[]? bestWeights = null)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, Json.Compact);
        byte[] weights = Weights(model);
        byte[] moments = Capture(saveOptimizer);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            foreach (byte[] block in new[] { json, weights, moments, bestWeights ?? [] })
            {
                writer.Write(block.Length);
                writer.Write(block);
            }
        });
    }

    /// <summary>Reads a checkpoint: its state, a model holding its weights, and the optimiser's state bytes.</summary>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a whole checkpoint.</exception>
    public static (CheckpointState State, AutoEncoderModel Model, byte[] OptimizerState) Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no checkpoint at '{path}': train first, or drop --resume", path);

        string name = Path.GetFileName(path);
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{name}: expected a checkpoint starting with 'AECKPT01', found another file");

            CheckpointState state = JsonSerializer.Deserialize<CheckpointState>(ReadBlock(reader, name), Json.Options)
                ?? throw new InvalidDataException($"{name}: checkpoint state is empty");
            state.Config.Validate();
            byte[] weights = ReadBlock(reader, name);
            byte[] moments = ReadBlock(reader, name);
            // Checked before the model is built, so that a damaged configuration cannot allocate a huge one.
            long parameters = state.Config.Model.CountParameters();
            if (weights.Length < parameters * sizeof(float))
                throw new InvalidDataException(
                    $"{name}: expected weights for {parameters:N0} parameters ({parameters * sizeof(float):N0} bytes or more), found {weights.Length:N0} bytes");

            var model = new AutoEncoderModel(state.Config.Model);
            using var weightReader = new BinaryReader(new MemoryStream(weights));
            model.load(weightReader, strict: true);
            return (state, model, moments);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{name}: corrupt or truncated checkpoint ({e.Message})", e);
        }
    }

    /// <summary>The best epoch's weights a checkpoint holds, or null when it holds none.</summary>
    /// <exception cref="InvalidDataException">The file is not a whole checkpoint.</exception>
    public static byte[]? BestWeights(string path)
    {
        string name = Path.GetFileName(path);
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            reader.ReadBytes(Magic.Length);
            for (int block = 0; block < 3; block++) ReadBlock(reader, name);
            return reader.BaseStream.Position < reader.BaseStream.Length && ReadBlock(reader, name) is { Length: > 0 } best ? best : null;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name}: corrupt or truncated checkpoint ({e.Message})", e);
        }
    }

    /// <summary>A model's weights in TorchSharp's format, as the checkpoint stores them.</summary>
    public static byte[] Weights(AutoEncoderModel model) => Capture(writer => model.save(writer));

    static byte[] Capture(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) write(writer);
        return buffer.ToArray();
    }

    static byte[] ReadBlock(BinaryReader reader, string name)
    {
        int length = reader.ReadInt32();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        // Checked before reading, so that a damaged length cannot allocate gigabytes.
        if (length < 0 || length > remaining)
            throw new InvalidDataException($"{name}: expected a block of {length} bytes, found {remaining} (truncated checkpoint)");
        return reader.ReadBytes(length);
    }
}
