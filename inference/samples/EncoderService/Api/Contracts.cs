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

/// <summary><c>POST /similar</c>: rows of the model's input width, and how many neighbours each (10 if left out).</summary>
internal sealed record SimilarRequest(float[][]? Rows, int? K);

/// <summary>One indexed row near a query: its id (row number in Map:Images), distance and label.</summary>
internal sealed record NeighborResult(long Id, float Distance, int? Label);

/// <summary>The nearest indexed rows of each query, nearest first, in request order.</summary>
internal sealed record SimilarResponse(NeighborResult[][] Neighbors);

/// <summary>Response of <c>/cluster</c>: each row's most probable cluster and every cluster's probability.</summary>
internal sealed record ClustersResponse(int[] Clusters, float[][] Probabilities);

/// <summary>Rows to generate from the decoder's prior, and the seed of the codes drawn (0 when absent).</summary>
internal sealed record SampleRequest(int? Count, int? Seed);
