using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Kernels;
using AutoEncoder.Training.Network;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// One training step of an <see cref="AutoEncoderModel"/> (linear layers with activations between)
/// in as few tensor operations as the maths allows, because for small models the cost of a step is
/// the number of operations, not their arithmetic:
/// <list type="bullet">
/// <item>batches are gathered into managed memory that a tensor shares (<c>frombuffer</c>), so no
/// shuffled copy of the data set is made;</item>
/// <item>forward is one product per layer (plus its activation); the logits land in shared memory,
/// where <see cref="LogitLoss"/> computes loss and the scaled output error in one vectorised pass;</item>
/// <item>the gradients are written by hand straight into a flat gradient buffer, with no autograd graph;
/// each weight is stored with its longer dimension contiguous;</item>
/// <item>every matrix product runs in ONNX Runtime's Gemm (<see cref="OrtGemm"/>), whose kernels use
/// AVX-512 where libtorch's MKL takes its AVX2 ones on this AMD host, or, when too small for a library
/// call to pay, in managed loops (<see cref="SmallProducts"/>), as do the bias gradients;</item>
/// <item>with several threads, the batch is split into one shard per thread, each computed by one
/// single-threaded libtorch on its own core (<see cref="ShardWorkers"/>): matrix products of this size
/// run nearer the core's peak on one thread than split across two, and the small ones of the seed
/// model do not split at all;</item>
/// <item>Adam (<see cref="AdamUpdate"/>) runs as one vectorised pass over the flat parameters and the
/// shards' gradient buffers, which tensors share with managed memory, whatever the layer count.</item>
/// </list>
/// The split is fixed by the thread count, so results are reproducible for a given count. The model's
/// own parameters are copies, refreshed by <see cref="CopyToModel"/>.
/// </summary>
internal sealed class FusedTrainingStep : ITrainingStep
{
    private readonly SharedBuffer parameterBuffer;
    private readonly AdamMoments moments;
    private readonly Layer[] layers;
    private readonly Shard[] shards;
    private readonly ShardWorkers? workers;
    private readonly ReadOnlyMemory<float>[] gradients;
    private readonly double[] shardResults;
    private readonly int width;
    private readonly OrtGemm gemm = new();

    /// <summary>
    /// Whether <paramref name="plan"/> is a chain this step computes: Linear layers with biases, each followed
    /// by at most one ReLU, tanh or sigmoid, ending in a Linear layer (the logits); otherwise says why.
    /// </summary>
    public static bool Supports(LayerPlan plan, out string reason)
    {
        IReadOnlyList<PlannedLayer> layers = plan.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            PlannedLayer layer = layers[i];
            bool fits = layer.Kind switch
            {
                LayerKind.Linear => ((Linear)layer.Module).bias is not null,
                LayerKind.Relu or LayerKind.Tanh or LayerKind.Sigmoid => i > 0 && layers[i - 1].Kind == LayerKind.Linear,
                _ => false,
            };
            if (!fits)
            {
                reason = $"{layer.Scope} ({layer.Kind}) is not part of a chain of Linear layers with biases, each followed by at most one ReLU, tanh or sigmoid";
                return false;
            }
        }
        if (layers.Count == 0 || layers[^1].Kind != LayerKind.Linear)
        {
            reason = "the network does not end in a Linear layer";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>Takes the model's current weights as the starting point; <paramref name="threads"/> shards per batch.</summary>
    /// <exception cref="NotSupportedException">The model's layer plan is not a chain this step computes (see <see cref="Supports"/>).</exception>
    public FusedTrainingStep(AutoEncoderModel model, int maxBatchSize, int threads = 1)
    {
        LayerPlan plan = model.Plan;
        if (!Supports(plan, out string reason)) throw new NotSupportedException($"the fused training step cannot train this model: {reason}");
        width = (int)plan.InputWidth;
        // Each Linear layer with the activation that follows it, if any (Supports allows at most one).
        var linears = new List<(Linear Module, LayerKind? Activation)>();
        foreach (PlannedLayer layer in plan.Layers)
        {
            if (layer.Kind == LayerKind.Linear) linears.Add(((Linear)layer.Module, null));
            else linears[^1] = (linears[^1].Module, layer.Kind);
        }
        long size = linears.Sum(l => l.Module.weight!.numel() + l.Module.bias!.numel());

        parameterBuffer = new SharedBuffer(1, (int)size);
        moments = new AdamMoments((int)size);

        layers = new Layer[linears.Count];
        long offset = 0;
        for (int i = 0; i < linears.Count; i++)
        {
            long output = linears[i].Module.out_features, input = linears[i].Module.in_features;
            // Stored [out, in] when out ≤ in, else as its transpose [in, out]: the longer side contiguous.
            bool transposed = output > input;
            Tensor storage = parameterBuffer.Slice(offset, transposed ? [input, output] : [output, input]);
            Tensor bias = parameterBuffer.Slice(offset + output * input, output);
            Tensor weight = storage;
            if (transposed)
            {
                weight = storage.t();
                // Only after t() has returned: left to its finaliser, storage could be freed while libtorch read it.
                storage.Dispose();
            }
            int at = parameterBuffer.Offset + (int)offset;
            MatrixView stored = MatrixView.Of(parameterBuffer.Array, at, (int)(transposed ? input : output), (int)(transposed ? output : input));
            MatrixView biasView = MatrixView.Of(parameterBuffer.Array, at + (int)(output * input), 1, (int)output);
            layers[i] = new Layer(linears[i].Module, weight, bias, stored, biasView, transposed, offset, linears[i].Activation);
            offset += output * input + output;
        }

        int rowsPerShard = (maxBatchSize + threads - 1) / threads;
        shards = [.. Enumerable.Range(0, threads).Select(_ => new Shard(rowsPerShard, width, (int)size, layers))];
        gradients = [.. shards.Select(s => (ReadOnlyMemory<float>)s.Gradients.Array.AsMemory(s.Gradients.Offset, (int)size))];
        shardResults = new double[threads];
        if (threads > 1) workers = new ShardWorkers(threads, () => torch.set_num_threads(1));
        CopyFromModel();
    }

    /// <inheritdoc />
    /// <remarks>Always: with one thread, into one shard.</remarks>
    public bool Sharded => true;

    /// <summary>
    /// Trains on rows <paramref name="order"/>[start .. start + rows) of <paramref name="data"/> (row-major,
    /// one row per image): gradients of mean BCE-with-logits, then one Adam update with learning rate
    /// <paramref name="rate"/>. Returns the batch's mean loss.
    /// </summary>
    public double Step(float[] data, long[] order, int start, int rows, double rate)
    {
        double loss = ComputeGradients(rows, (shard, first, count) =>
        {
            for (int r = 0; r < count; r++)
                Array.Copy(data, order[start + first + r] * width, shard.Batch.Array, shard.Batch.Offset + (long)r * width, width);
        });
        ApplyAdam(rate);
        return loss;
    }

    /// <summary>As <see cref="Step"/> without the update, for a batch held in a tensor: writes the gradients, returns the mean loss.</summary>
    internal double ComputeGradients(Tensor rows) =>
        ComputeGradients((int)rows.shape[0], (shard, first, count) => shard.Batch.Tensor.narrow(0, 0, count).copy_(rows.narrow(0, first, count)));

    /// <summary>One Adam update of the flat parameters from the flat gradients (PyTorch's rule, no weight decay).</summary>
    internal void ApplyAdam(double rate) => AdamUpdate.Step(moments, workers, shardResults, (from, to) =>
        AdamUpdate.Apply(parameterBuffer.Array.AsSpan(parameterBuffer.Offset + from, to - from), gradients, moments, from, rate));

    /// <summary>The last gradients (summed over shards) in the modules' order and layout (each weight [out, in], then its bias), for tests.</summary>
    internal float[] GradientsInModuleOrder()
    {
        using var scope = NewDisposeScope();
        Tensor total = shards.Select(s => s.Gradients.Tensor).Aggregate((a, b) => a + b).view(-1);
        return layers.SelectMany(layer =>
        {
            long weights = layer.Weight.numel();
            Tensor weight = total.narrow(0, layer.Offset, weights).view(layer.Transposed ? [layer.Weight.shape[1], layer.Weight.shape[0]] : layer.Weight.shape);
            return (layer.Transposed ? weight.t() : weight).contiguous().data<float>().ToArray()
                .Concat(total.narrow(0, layer.Offset + weights, layer.Bias.numel()).data<float>().ToArray());
        }).ToArray();
    }

    /// <summary>Copies the trained weights into the model's parameters.</summary>
    public void CopyToModel()
    {
        using var noGrad = no_grad();
        foreach (Layer layer in layers)
        {
            layer.Module.weight!.copy_(layer.Weight);
            layer.Module.bias!.copy_(layer.Bias);
        }
    }

    /// <summary>Writes Adam's state: step count and both moment vectors.</summary>
    public void SaveState(BinaryWriter writer) => moments.Save(writer);

    /// <summary>Restores Adam's state written by <see cref="SaveState"/>.</summary>
    /// <exception cref="InvalidDataException">The state is for a model of another size.</exception>
    public void LoadState(BinaryReader reader) => moments.Load(reader);

    /// <summary>
    /// Fills each shard's batch with its share of <paramref name="rows"/> rows (<paramref name="fill"/>(shard,
    /// first row, row count)), computes every shard's gradients at once and returns the batch's mean loss.
    /// </summary>
    private double ComputeGradients(int rows, Action<Shard, int, int> fill)
    {
        int perShard = (rows + shards.Length - 1) / shards.Length;
        // Each shard's share of d(mean loss): the mean is over the whole batch.
        float scale = 1f / ((float)rows * width);
        double RunShard(int k)
        {
            int first = k * perShard, count = Math.Clamp(rows - first, 0, perShard);
            using var scope = NewDisposeScope();
            fill(shards[k], first, count);
            return shards[k].ComputeGradients(count, scale, this);
        }

        if (workers is null) shardResults[0] = RunShard(0);
        else workers.Run(RunShard, shardResults);
        return shardResults.Sum() / ((double)rows * width);
    }

    private void CopyFromModel()
    {
        using var noGrad = no_grad();
        foreach (Layer layer in layers)
        {
            layer.Weight.copy_(layer.Module.weight!);
            layer.Bias.copy_(layer.Module.bias!);
        }
    }

    // Supports admits exactly these three activations, so no other kind reaches the switches below.
    private static void Activate(LayerKind kind, Tensor z) => _ = kind switch
    {
        LayerKind.Relu => z.relu_(),
        LayerKind.Tanh => z.tanh_(),
        LayerKind.Sigmoid => z.sigmoid_(),
        _ => throw new UnreachableException($"activation {kind} passed Supports"),
    };

    /// <summary>error ← error ⊙ f′, in place, with f′ written in terms of the activation's output y.</summary>
    // In managed code, not libtorch: `masked_fill_(y.le(0), 0)` passed two temporary Scalars per layer and shard,
    // and in a Fashion-MNIST build (2026-12-05, epoch 9 of 40) libtorch read one after the GC had finalised it
    // ("Unknown scalar type" in le; UmapLoss has the earlier case), ending the build. The same values, bit for bit
    // for ReLU (a select); for tanh and sigmoid the same products and difference, without addcmul's fusion.
    private static void ActivationBackward(LayerKind kind, Span<float> error, ReadOnlySpan<float> y)
    {
        Span<Vector<float>> errors = MemoryMarshal.Cast<float, Vector<float>>(error);
        ReadOnlySpan<Vector<float>> outputs = MemoryMarshal.Cast<float, Vector<float>>(y);
        int tail = errors.Length * Vector<float>.Count;
        switch (kind)
        {
            case LayerKind.Relu: // f′ = [y > 0]
                for (int v = 0; v < errors.Length; v++) errors[v] = Vector.ConditionalSelect(Vector.GreaterThan(outputs[v], Vector<float>.Zero), errors[v], Vector<float>.Zero);
                for (int i = tail; i < error.Length; i++) error[i] = y[i] > 0 ? error[i] : 0;
                break;
            case LayerKind.Tanh: // f′ = 1 − y²: error − (error·y)·y
                for (int v = 0; v < errors.Length; v++) errors[v] -= errors[v] * outputs[v] * outputs[v];
                for (int i = tail; i < error.Length; i++) error[i] -= error[i] * y[i] * y[i];
                break;
            case LayerKind.Sigmoid: // f′ = y(1 − y): (error·y) − (error·y)·y
                for (int v = 0; v < errors.Length; v++)
                {
                    Vector<float> scaled = errors[v] * outputs[v];
                    errors[v] = scaled - scaled * outputs[v];
                }
                for (int i = tail; i < error.Length; i++)
                {
                    float scaled = error[i] * y[i];
                    error[i] = scaled - scaled * y[i];
                }
                break;
            default:
                throw new UnreachableException($"activation {kind} passed Supports");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        workers?.Dispose();
        foreach (Shard shard in shards) shard.Dispose();
        gemm.Dispose();
        parameterBuffer.Dispose();
    }

    /// <summary>
    /// A linear layer's views into the flat parameters, which start at <see cref="Offset"/>: the weight (as
    /// stored: [in, out] when <see cref="Transposed"/>), then the bias. <see cref="Weight"/> is the logical
    /// [out, in] matrix; <see cref="Stored"/> and <see cref="BiasView"/> are the same memory for the kernels.
    /// </summary>
    private sealed record Layer(Linear Module, Tensor Weight, Tensor Bias, MatrixView Stored, MatrixView BiasView, bool Transposed, long Offset, LayerKind? Activation)
    {
        /// <summary>Outputs of the layer.</summary>
        public int Outputs => Transposed ? Stored.Columns : Stored.Rows;

        /// <summary>Inputs of the layer.</summary>
        public int Inputs => Transposed ? Stored.Rows : Stored.Columns;
    }

    /// <summary>One shard's memory: its rows of the batch, their logits and output errors, and its own gradients.</summary>
    private sealed class Shard : IDisposable
    {
        private readonly int width;
        private readonly MatrixView[] weightGradients, biasGradients;
        // Each hidden layer's output and the error at every layer's input but the first, allocated once.
        private readonly SharedBuffer[] hiddenOutputs, inputErrors;

        public Shard(int rows, int width, int parameters, Layer[] layers)
        {
            Batch = new SharedBuffer(rows, width);
            Logits = new SharedBuffer(rows, width);
            Errors = new SharedBuffer(rows, width);
            Gradients = new SharedBuffer(1, parameters);
            this.width = width;
            // As stored: [in, out] when transposed, else [out, in]; then the bias.
            weightGradients = [.. layers.Select(l => MatrixView.Of(Gradients.Array, Gradients.Offset + (int)l.Offset, l.Stored.Rows, l.Stored.Columns))];
            biasGradients = [.. layers.Select(l => MatrixView.Of(Gradients.Array, Gradients.Offset + (int)l.Offset + l.Inputs * l.Outputs, 1, l.Outputs))];
            hiddenOutputs = [.. layers.SkipLast(1).Select(l => new SharedBuffer(rows, l.Outputs))];
            inputErrors = [.. layers.Skip(1).Select(l => new SharedBuffer(rows, l.Inputs))];
        }

        public SharedBuffer Batch { get; }
        public SharedBuffer Logits { get; }
        public SharedBuffer Errors { get; }
        public SharedBuffer Gradients { get; }

        /// <summary>
        /// Writes <paramref name="scale"/> · d(Σ BCE)/d(parameters) for the first <paramref name="rows"/> rows
        /// of <see cref="Batch"/> into <see cref="Gradients"/>; returns Σ BCE over those rows.
        /// </summary>
        public double ComputeGradients(int rows, float scale, FusedTrainingStep step)
        {
            if (rows == 0)
            {
                Gradients.Array.AsSpan().Clear();
                return 0;
            }
            Layer[] layers = step.layers;
            OrtGemm gemm = step.gemm;
            // Every operand is a view of pinned managed memory: no call into libtorch but the activations'.
            var outputs = new MatrixView[layers.Length + 1];
            outputs[0] = View(Batch, rows);
            for (int i = 0; i < layers.Length; i++)
            {
                Layer layer = layers[i];
                bool last = i == layers.Length - 1;
                MatrixView z = View(last ? Logits : hiddenOutputs[i], rows);
                // The weight as stored: [in, out] when transposed (x · storage), else [out, in] (x · storageᵀ).
                if (layer.Transposed) gemm.MultiplyAdd(outputs[i], layer.Stored, layer.BiasView, z);
                else gemm.MultiplyTransposedAdd(outputs[i], layer.Stored, layer.BiasView, z);
                if (!last && layer.Activation is { } kind) Activate(kind, hiddenOutputs[i].Tensor.narrow(0, 0, rows));
                outputs[i + 1] = z;
            }

            // d(mean BCE)/d(logits) = (σ(logits) − target) / (batch rows · width): the loss pass writes the error
            // already scaled, so every product below is a plain one.
            int count = rows * width;
            double loss = LogitLoss.Range(Logits.Array.AsSpan(Logits.Offset, count), Batch.Array.AsSpan(Batch.Offset, count),
                Errors.Array.AsSpan(Errors.Offset, count), scale);

            MatrixView error = View(Errors, rows);
            for (int i = layers.Length - 1; i >= 0; i--)
            {
                Layer layer = layers[i];
                // dW as stored: xᵀ · error [in, out] when transposed, else errorᵀ · x [out, in].
                if (layer.Transposed) gemm.MultiplyLeftTransposed(outputs[i], error, weightGradients[i]);
                else gemm.MultiplyLeftTransposed(error, outputs[i], weightGradients[i]);
                SmallProducts.SumRows(error.Span, biasGradients[i].Span, rows, layer.Outputs);
                if (i == 0) break;
                MatrixView previous = View(inputErrors[i - 1], rows);
                // error · W, with W = storageᵀ when transposed.
                if (layer.Transposed) gemm.MultiplyRightTransposed(error, layer.Stored, previous);
                else gemm.Multiply(error, layer.Stored, previous);
                if (layers[i - 1].Activation is { } kind)
                    ActivationBackward(kind, Span(inputErrors[i - 1], rows), Span(hiddenOutputs[i - 1], rows));
                error = previous;
            }
            return loss;
        }

        private static Span<float> Span(SharedBuffer buffer, int rows) => buffer.Array.AsSpan(buffer.Offset, rows * buffer.Columns);

        private static MatrixView View(SharedBuffer buffer, int rows) =>
            MatrixView.Of(buffer.Array, buffer.Offset, rows, buffer.Columns);

        public void Dispose()
        {
            foreach (SharedBuffer buffer in hiddenOutputs.Concat(inputErrors).Concat([Batch, Logits, Errors, Gradients])) buffer.Dispose();
        }
    }
}
