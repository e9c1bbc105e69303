using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoEncoder.Inference;
using Npgsql;

namespace AutoEncoder.Training.Storage;

/// <summary>
/// Codes in a PostgreSQL table, for "find similar" when one process is not enough: ids, keys, labels and codes in a
/// <c>cube</c> column (the contrib extension Debian's postgresql-15 ships) with a GiST index, so that
/// <c>ORDER BY code &lt;-&gt; query LIMIT k</c> is an index scan. The table's comment records the metric, the
/// dimensions and the encoder's SHA-256, so a search beside another encoder is refused as with an index file.
/// Cosine distance is served from unit-length codes, whose Euclidean distance d gives 1 − cos = d² / 2.
/// </summary>
internal static partial class PostgresIndex
{
    /// <summary>The most dimensions a cube holds (CUBE_MAX_DIM in PostgreSQL's contrib/cube).</summary>
    public const int MaxDimensions = 100;

    /// <summary>What the table's comment records.</summary>
    public sealed record Description(DistanceMetric Metric, int Dimensions, string? EncoderSha256);

    /// <summary>One neighbour found in the table.</summary>
    public sealed record Found(long Id, double Distance, string? Key, int? Label);

    /// <summary>
    /// Replaces <paramref name="table"/> with <paramref name="ids"/>, <paramref name="keys"/> and <paramref name="labels"/>
    /// (or none) and <paramref name="codes"/> (laid end to end), in one transaction: the table is all there or as it was.
    /// </summary>
    /// <exception cref="ArgumentException">The table name is not a plain identifier, the codes have more than 100 dimensions, or the lengths disagree.</exception>
    /// <exception cref="IOException">PostgreSQL refused or could not be reached.</exception>
    public static void Write(string connectionString, string table, Description description, long[] ids, IReadOnlyList<string>? keys, int[]? labels, float[] codes, Action<int>? progress = null)
    {
        CheckTable(table);
        if (description.Dimensions is < 1 or > MaxDimensions)
            throw new ArgumentException($"--postgres: expected codes of 1 to {MaxDimensions} values (the most a cube holds), found {description.Dimensions}");
        if (codes.Length != ids.Length * description.Dimensions || labels is not null && labels.Length != ids.Length || keys is not null && keys.Count != ids.Length)
            throw new ArgumentException($"expected {ids.Length} codes of {description.Dimensions} values and as many keys and labels, found {codes.Length} values, {keys?.Count} keys and {labels?.Length} labels");
        Run(connectionString, connection =>
        {
            using NpgsqlTransaction transaction = connection.BeginTransaction();
            Execute(connection, $"CREATE EXTENSION IF NOT EXISTS cube; DROP TABLE IF EXISTS {table}; " +
                                $"CREATE TABLE {table} (id bigint PRIMARY KEY, key text UNIQUE, label integer, code cube NOT NULL)");
            using (TextWriter writer = connection.BeginTextImport($"COPY {table} (id, key, label, code) FROM STDIN"))
            {
                var line = new StringBuilder();
                Span<float> unit = stackalloc float[description.Dimensions];
                for (int i = 0; i < ids.Length; i++)
                {
                    ReadOnlySpan<float> code = codes.AsSpan(i * description.Dimensions, description.Dimensions);
                    line.Clear().Append(ids[i]).Append('\t');
                    AppendCopyText(line, keys?[i]).Append('\t').Append(labels is null ? @"\N" : labels[i].ToString(CultureInfo.InvariantCulture)).Append('\t');
                    AppendCube(line, description.Metric == DistanceMetric.Cosine ? Unit(code, unit) : code);
                    writer.Write(line.Append('\n'));
                    if ((i + 1) % 10_000 == 0 || i + 1 == ids.Length) progress?.Invoke(i + 1);
                }
            }
            Execute(connection, $"CREATE INDEX ON {table} USING gist (code); ANALYZE {table}; " +
                                $"COMMENT ON TABLE {table} IS {Quote(JsonSerializer.Serialize(description))}");
            transaction.Commit();
        });
    }

    /// <summary>What <paramref name="table"/>'s comment records.</summary>
    /// <exception cref="InvalidDataException">The table has no comment written by <see cref="Write"/>.</exception>
    /// <exception cref="IOException">PostgreSQL refused or could not be reached (no such table among them).</exception>
    public static Description Describe(string connectionString, string table)
    {
        CheckTable(table);
        string? comment = null;
        Run(connectionString, connection =>
        {
            using var command = new NpgsqlCommand("SELECT obj_description($1::regclass, 'pg_class')", connection);
            command.Parameters.AddWithValue(table);
            comment = command.ExecuteScalar() as string;
        });
        try
        {
            return (comment is null ? null : JsonSerializer.Deserialize<Description>(comment)) ?? throw new JsonException("no comment");
        }
        catch (JsonException)
        {
            throw new InvalidDataException($"PostgreSQL table {table}: expected the description `autoencoder index --postgres` writes as its comment, found {comment ?? "none"}");
        }
    }

    /// <summary>
    /// The <paramref name="k"/> rows nearest to <paramref name="code"/>, nearest first and equal distances by id,
    /// as the in-process exact index orders them.
    /// </summary>
    /// <exception cref="IOException">PostgreSQL refused or could not be reached.</exception>
    public static Found[] Search(string connectionString, string table, Description description, ReadOnlySpan<float> code, int k)
    {
        CheckTable(table);
        Span<float> unit = stackalloc float[code.Length];
        string query = AppendCube(new StringBuilder(), description.Metric == DistanceMetric.Cosine ? Unit(code, unit) : code).ToString();
        var found = new List<Found>();
        Run(connectionString, connection =>
        {
            // The index scan orders by distance alone (adding id would turn it into a sort of the whole table),
            // so rows tied with the k-th are fetched by asking for more until one lies beyond it.
            for (int limit = k + 1; ; limit *= 2)
            {
                found.Clear();
                using var command = new NpgsqlCommand($"SELECT id, code <-> $1::cube, key, label FROM {table} ORDER BY code <-> $1::cube LIMIT $2", connection);
                command.Parameters.AddWithValue(query);
                command.Parameters.AddWithValue(limit);
                using (NpgsqlDataReader reader = command.ExecuteReader())
                    while (reader.Read())
                        found.Add(new Found(reader.GetInt64(0), reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3)));
                if (found.Count < limit || found[^1].Distance > found[Math.Min(k, found.Count) - 1].Distance) break;
            }
        });
        return [.. found.OrderBy(f => f.Distance).ThenBy(f => f.Id).Take(k)
            .Select(f => description.Metric == DistanceMetric.Cosine ? f with { Distance = f.Distance * f.Distance / 2 } : f)];
    }

    /// <summary>The plan PostgreSQL chooses for a search, for checking that it is an index scan.</summary>
    public static string Explain(string connectionString, string table, int dimensions, int k)
    {
        CheckTable(table);
        var plan = new StringBuilder();
        Run(connectionString, connection =>
        {
            string origin = AppendCube(new StringBuilder(), new float[dimensions]).ToString();
            using var command = new NpgsqlCommand($"EXPLAIN SELECT id FROM {table} ORDER BY code <-> {Quote(origin)}::cube LIMIT {k}", connection);
            using NpgsqlDataReader reader = command.ExecuteReader();
            while (reader.Read()) plan.AppendLine(reader.GetString(0));
        });
        return plan.ToString();
    }

    // Floats are written as the doubles they are, so that the cube holds exactly the code.
    private static StringBuilder AppendCube(StringBuilder text, ReadOnlySpan<float> code)
    {
        text.Append('(');
        for (int d = 0; d < code.Length; d++)
        {
            if (!float.IsFinite(code[d])) throw new ArgumentException($"expected finite code values, found {code[d]} at index {d}");
            text.Append(d > 0 ? "," : "").Append(((double)code[d]).ToString("R", CultureInfo.InvariantCulture));
        }
        return text.Append(')');
    }

    // A value in COPY's text format: \N for null; backslash, tab, newline and carriage return escaped.
    private static StringBuilder AppendCopyText(StringBuilder text, string? value)
    {
        if (value is null) return text.Append(@"\N");
        foreach (char c in value)
        {
            string? escaped = c switch { '\\' => @"\\", '\t' => @"\t", '\n' => @"\n", '\r' => @"\r", _ => null };
            if (escaped is null) text.Append(c);
            else text.Append(escaped);
        }
        return text;
    }

    private static ReadOnlySpan<float> Unit(ReadOnlySpan<float> code, Span<float> unit)
    {
        double sum = 0;
        foreach (float value in code) sum += (double)value * value;
        if (sum == 0) throw new ArgumentException("expected a code of non-zero length for the cosine metric, found all zeros");
        for (int d = 0; d < code.Length; d++) unit[d] = (float)(code[d] / Math.Sqrt(sum));
        return unit;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    // A PostgreSQL failure (refused connection, missing table or extension) as one line naming the server.
    private static void Run(string connectionString, Action<NpgsqlConnection> work)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--postgres: expected a connection string such as \"Host=localhost;Database=codes\", found \"{connectionString}\" ({e.Message})");
        }
        try
        {
            using var connection = new NpgsqlConnection(settings.ConnectionString);
            connection.Open();
            work(connection);
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"PostgreSQL at {settings.Host}: {e.Message.Split('\n')[0]}", e);
        }
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

    private static void CheckTable(string table)
    {
        if (!Identifier().IsMatch(table))
            throw new ArgumentException($"--table: expected a plain lower-case identifier (letters, digits, _), found \"{table}\"");
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
