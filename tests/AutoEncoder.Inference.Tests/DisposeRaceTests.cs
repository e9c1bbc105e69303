using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// Disposing a model while other threads are inside its batch calls: those calls finish or are refused
/// with <see cref="ObjectDisposedException"/>, for every role and backend, and the process lives on. (The
/// ONNX Runtime backend used to free the session under running calls: SIGSEGV, 3 runs of 3.)
/// </summary>
public sealed class DisposeRaceTests
{
    private const int Threads = 4;
    private const int Rounds = 5;

    public static TheoryData<string, InferenceBackend> Models => new()
    {
        { "encoder.onnx", InferenceBackend.OnnxRuntime },
        { "encoder.onnx", InferenceBackend.Managed },
        { "deep/encoder.onnx", InferenceBackend.OnnxRuntime },
        { "decoder.onnx", InferenceBackend.OnnxRuntime },
        { "decoder.onnx", InferenceBackend.Managed },
        { "autoencoder.onnx", InferenceBackend.OnnxRuntime },
        { "autoencoder.onnx", InferenceBackend.Managed },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Disposing_during_batch_calls_lets_them_finish_or_refuses_them(string file, InferenceBackend backend)
    {
        string path = Path.Combine(Repository.ModelsFolder, file);
        var options = new InferenceOptions { Backend = backend };
        for (int round = 0; round < Rounds; round++)
        {
            (IDisposable model, Action call) = Open(path, options);
            using var running = new CountdownEvent(Threads);
            var outcomes = new Exception?[Threads];
            var workers = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
            {
                bool signalled = false;
                try
                {
                    while (true)
                    {
                        call();
                        if (!signalled) { running.Signal(); signalled = true; }
                    }
                }
                catch (Exception e)
                {
                    outcomes[thread] = e;
                    if (!signalled) running.Signal();
                }
            })).ToArray();
            foreach (Thread worker in workers) worker.Start();

            Assert.True(running.Wait(TimeSpan.FromSeconds(30)), "the workers did not start calling");
            model.Dispose();
            foreach (Thread worker in workers) Assert.True(worker.Join(TimeSpan.FromSeconds(30)), "a worker did not stop");

            Assert.All(outcomes, outcome => Assert.IsType<ObjectDisposedException>(outcome));
        }
    }

    private static (IDisposable Model, Action Call) Open(string path, InferenceOptions options)
    {
        const int rows = 256;
        switch (Path.GetFileName(path))
        {
            case "encoder.onnx":
                var encoder = Encoder.Load(path, options);
                var pixels = new float[rows * encoder.InputSize];
                return (encoder, () => encoder.EncodeBatch(pixels));
            case "decoder.onnx":
                var decoder = Decoder.Load(path, options);
                var codes = new float[rows * decoder.EmbeddingSize];
                return (decoder, () => decoder.DecodeBatch(codes));
            default:
                var detector = AnomalyDetector.Load(path, options);
                var images = new float[rows * detector.InputSize];
                return (detector, () => detector.ScoreBatch(images));
        }
    }
}
