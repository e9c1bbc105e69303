namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary><c>POST /encode</c> and <c>POST /score</c>: rows of the model's input width.</summary>
internal sealed record RowsRequest(float[][]? Rows);

/// <summary><c>POST /decode</c>: codes of the model's latent width.</summary>
internal sealed record EmbeddingsRequest(float[][]? Embeddings);

/// <summary>One code per row, in request order.</summary>
internal sealed record EmbeddingsResponse(float[][] Embeddings);

/// <summary>One decoded row per code, in request order.</summary>
internal sealed record RowsResponse(float[][] Rows);

/// <summary>One score per row; flags only when the model (or the configuration) has a threshold.</summary>
internal sealed record ScoresResponse(float[] Scores, bool[]? Anomalies, float? Threshold);
