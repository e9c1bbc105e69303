using AutoEncoder.Inference;
using AutoEncoder.Inference.Images;
using AutoEncoder.Samples.EncoderService.Similar;
using Microsoft.Extensions.Options;

namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>
/// <c>/encode</c>, <c>/decode</c>, <c>/score</c>, <c>/cluster</c>, <c>/reconstruct</c>, <c>/sample</c> and <c>/similar</c>:
/// the models behind JSON (and, for encoding, images).
/// </summary>
internal static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("").AddEndpointFilter(RequestRejected.Filter);
        api.MapPost("/encode", Encode);
        api.MapPost("/decode", Decode);
        api.MapPost("/score", Score);
        api.MapPost("/cluster", Cluster);
        api.MapPost("/reconstruct", Reconstruct);
        api.MapPost("/sample", Sample);
        api.MapPost("/similar", Similar);
    }

    /// <summary>The most neighbours one query may ask for.</summary>
    public const int MaxNeighbors = 1000;

    static async Task<IResult> Encode(HttpRequest request, Encoder encoder, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        if (RequestBody.MediaType(request) is "image/png" or "image/jpeg")
        {
            byte[] image = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
            return TypedResults.Ok(new EmbeddingsResponse([encoder.EncodeImage(image)]));
        }
        float[] rows = await ReadRowsAsync(request, encoder.InputSize, options.Value, ", image/png or image/jpeg", cancellationToken);
        float[] embeddings = encoder.EncodeBatch(rows);
        // A client that sends float32 rows to skip number parsing can ask for float32 codes back the same way.
        return AcceptsFloat32(request)
            ? TypedResults.Bytes(Matrix.ToFloat32(embeddings), Float32)
            : TypedResults.Ok(new EmbeddingsResponse(Matrix.Split(embeddings, encoder.EmbeddingSize)));
    }

    const string Float32 = "application/octet-stream";

    // Only an explicit Accept of application/octet-stream: JSON stays the answer to any other (or none).
    static bool AcceptsFloat32(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals(Float32, StringComparison.OrdinalIgnoreCase) && type.Quality is not 0);

    static async Task<IResult> Decode(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        Decoder decoder = Registered<Decoder>(request, "a decoder");
        EmbeddingsRequest parsed = RequestBody.ParseJson<EmbeddingsRequest>(await ReadJsonAsync(request, options.Value, cancellationToken));
        float[] embeddings = Matrix.Flatten(parsed.Embeddings, decoder.EmbeddingSize, options.Value.MaxRows, "embeddings");
        return TypedResults.Ok(new RowsResponse(Matrix.Split(decoder.DecodeBatch(embeddings), decoder.OutputSize)));
    }

    static async Task<IResult> Score(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        AnomalyDetector detector = Registered<AnomalyDetector>(request, "an anomaly detector (autoencoder.onnx)");
        float[] rows = await ReadRowsAsync(request, detector.InputSize, options.Value, "", cancellationToken);
        float[] scores = detector.ScoreBatch(rows);
        float? threshold = detector.Threshold;
        bool[]? anomalies = threshold is float t ? scores.Select(score => score > t).ToArray() : null;
        return TypedResults.Ok(new ScoresResponse(scores, anomalies, threshold));
    }

    static async Task<IResult> Cluster(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        ClusterModel clusters = Registered<ClusterModel>(request, "a cluster model (cluster.onnx; AutoEncoder:Models with ClusterModel)");
        float[] rows = await ReadRowsAsync(request, clusters.InputSize, options.Value, "", cancellationToken);
        float[] probabilities = clusters.ProbabilitiesBatch(rows);
        int k = clusters.ClusterCount;
        int[] assigned = [.. Enumerable.Range(0, rows.Length / clusters.InputSize).Select(r => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.AsSpan(r * k, k)))];
        return TypedResults.Ok(new ClustersResponse(assigned, Matrix.Split(probabilities, k)));
    }

    // A denoising autoencoder's use: the full model's reconstruction of each row, in the scaled training space.
    static async Task<IResult> Reconstruct(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        AnomalyDetector model = Registered<AnomalyDetector>(request, "a full model (autoencoder.onnx)");
        float[] rows = await ReadRowsAsync(request, model.InputSize, options.Value, "", cancellationToken);
        return TypedResults.Ok(new RowsResponse(Matrix.Split(model.ReconstructBatch(rows), model.InputSize)));
    }

    static async Task<IResult> Sample(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        Decoder decoder = Registered<Decoder>(request, "a decoder");
        if (!decoder.IsGenerative)
            throw RequestRejected.NotAvailable("expected a variational model's decoder, whose prior codes are drawn from, found a plain autoencoder's");
        SampleRequest parsed = RequestBody.ParseJson<SampleRequest>(await ReadJsonAsync(request, options.Value, cancellationToken));
        int count = parsed.Count ?? 1;
        if (count < 1 || count > options.Value.MaxRows) throw RequestRejected.BadRequest($"count: expected 1 to {options.Value.MaxRows}, found {count}");
        return TypedResults.Ok(new RowsResponse(Matrix.Split(decoder.Sample(count, parsed.Seed ?? 0), decoder.OutputSize)));
    }

    static async Task<IResult> Similar(HttpRequest request, Encoder encoder, SimilarItems items, IOptions<ServiceOptions> options, CancellationToken cancellationToken)
    {
        EmbeddingIndex index = items.Index ?? throw RequestRejected.NotAvailable($"expected rows to search, found none: {items.Unavailable}");
        bool image = RequestBody.MediaType(request) is "image/png" or "image/jpeg";
        SimilarRequest? parsed = image ? null : RequestBody.ParseJson<SimilarRequest>(await ReadJsonAsync(request, options.Value, cancellationToken, ", image/png or image/jpeg"));
        // A drawing, as /encode reads one, takes k from the query string.
        string? text = request.Query["k"];
        int k = parsed is not null ? parsed.K ?? 10
            : text is null ? 10 : int.TryParse(text, out int fromQuery) ? fromQuery : throw RequestRejected.BadRequest($"k: expected a whole number, found '{text}'");
        if (k is < 1 or > MaxNeighbors) throw RequestRejected.BadRequest($"k: expected 1 to {MaxNeighbors}, found {k}");
        float[] codes = parsed is not null
            ? encoder.EncodeBatch(Matrix.Flatten(parsed.Rows, encoder.InputSize, options.Value.MaxRows, "rows"))
            : encoder.EncodeImage(await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken));
        Neighbor[][] found = index.SearchBatch(codes, k);
        return TypedResults.Ok(new SimilarResponse([.. found.Select(neighbors =>
            neighbors.Select(n => new NeighborResult(n.Id, n.Distance, items.LabelOf(n.Id))).ToArray())]));
    }

    // Rows as JSON, or as raw float32 (application/octet-stream) for clients that send many: no number
    // parsing, which is most of the service's cost per row under load (BENCHMARKS.md, "Serving").
    static async Task<float[]> ReadRowsAsync(HttpRequest request, int width, ServiceOptions options, string alsoAccepted, CancellationToken cancellationToken)
    {
        string type = RequestBody.MediaType(request);
        if (type is not ("application/json" or Float32))
            throw RequestRejected.UnsupportedMediaType($"expected application/json, application/octet-stream (float32 rows){alsoAccepted}, found '{request.ContentType}'");
        byte[] body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
        return type == "application/json"
            ? Matrix.Flatten(RequestBody.ParseJson<RowsRequest>(body).Rows, width, options.MaxRows, "rows")
            : Matrix.FromFloat32(body, width, options.MaxRows);
    }

    static async Task<byte[]> ReadJsonAsync(HttpRequest request, ServiceOptions options, CancellationToken cancellationToken, string alsoAccepted = "")
    {
        if (RequestBody.MediaType(request) != "application/json")
            throw RequestRejected.UnsupportedMediaType($"expected application/json{alsoAccepted}, found '{request.ContentType}'");
        return await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
    }

    // Decoder, detector and cluster model are optional registrations (a UMAP model has no decoder or detector).
    static T Registered<T>(HttpRequest request, string what) where T : class =>
        request.HttpContext.RequestServices.GetService<T>()
        ?? throw RequestRejected.NotAvailable($"expected this service to have {what}, found none registered (AutoEncoder:Models)");
}
