using AutoEncoder.Tests.Support;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>
/// A throw-away PostgreSQL 15 cluster (Debian's postgresql-15, which `make test` installs where missing):
/// initdb in a temporary folder, the server listening only on a Unix socket there, stopped and deleted on
/// dispose. PostgreSQL refuses to run as root, so under root (as in CI) it runs as the postgres user.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "autoencoder-pg-" + Guid.NewGuid().ToString("N"));

    /// <summary>Creates and starts the cluster.</summary>
    public PostgresCluster()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
            throw new InvalidOperationException($"expected PostgreSQL 15 in {Bin}, found none: `make test` installs postgresql-15");
        Directory.CreateDirectory(folder);
        if (Environment.UserName == "root") Must(ExternalProcess.Run("chown", null, "postgres", folder), "chown");
        Must(Server("initdb", "-D", Data, "-A", "trust", "-U", "postgres", "--no-sync"), "initdb");
        Must(Server("pg_ctl", "-D", Data, "-l", Path.Combine(folder, "log"), "-w", "-o", $"-k {folder} -c listen_addresses='' -c fsync=off", "start"), "pg_ctl start");
    }

    /// <summary>Connects over the cluster's socket as its superuser.</summary>
    public string ConnectionString => $"Host={folder};Username=postgres;Database=postgres;Pooling=false";

    private string Data => Path.Combine(folder, "data");

    /// <inheritdoc />
    public void Dispose()
    {
        Server("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        Directory.Delete(folder, recursive: true);
    }

    private static (int ExitCode, string Output) Server(string program, params string[] args) => Environment.UserName == "root"
        ? ExternalProcess.Run("runuser", "/tmp", ["-u", "postgres", "--", Path.Combine(Bin, program), .. args])
        : ExternalProcess.Run(Path.Combine(Bin, program), "/tmp", args);

    private static void Must((int ExitCode, string Output) run, string what)
    {
        if (run.ExitCode != 0) throw new InvalidOperationException($"{what} failed ({run.ExitCode}): {run.Output}");
    }
}
