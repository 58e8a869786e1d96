using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Attune.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// The floor of a page: the SQL it needs. While recording, every query EF Core runs is noted (text and parameter
/// values, from EF Core's diagnostic events) by the context that ran it; the queries of the context that ran the most
/// (the request's own, not a background service's) are then replayed as plain ADO.NET commands on one open connection,
/// every row read, with no EF Core, no rendering and no HTTP. The page's time over this time is its overhead.
/// </summary>
internal sealed class SqlFloor : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> subscriptions = [];
    private readonly List<(DbContext? Context, string Text, List<(string Name, object? Value, DbType Type)> Parameters)> seen = [];
    private volatile bool recording;

    public SqlFloor() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

    public void Start()
    {
        lock (seen) seen.Clear();
        recording = true;
    }

    /// <summary>Stops recording; the reads of the busiest context, in the order they ran.</summary>
    public IReadOnlyList<(string Text, List<(string Name, object? Value, DbType Type)> Parameters)> Stop()
    {
        recording = false;
        lock (seen)
        {
            var busiest = seen.GroupBy(s => s.Context).MaxBy(g => g.Count());
            return busiest is null ? [] : busiest.Where(s => IsRead(s.Text)).Select(s => (s.Text, s.Parameters)).ToList();
        }
    }

    /// <summary>When set, records only the statements for which it says yes (asked on the thread that runs each statement).</summary>
    public Func<bool>? Only { get; init; }

    /// <summary>Stops recording; every statement (reads and writes) recorded, in the order they ran.</summary>
    public IReadOnlyList<string> StopAll()
    {
        recording = false;
        lock (seen) return seen.Select(s => s.Text).ToList();
    }

    private static bool IsRead(string sql) => sql.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the recorded reads once on a connection of the host's database; returns milliseconds.</summary>
    public static async Task<double> ReplayAsync(IServiceProvider services, IReadOnlyList<(string Text, List<(string Name, object? Value, DbType Type)> Parameters)> commands)
    {
        using var scope = services.CreateScope();
        var connection = scope.ServiceProvider.GetRequiredService<AttuneDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            var sw = Stopwatch.StartNew();
            foreach (var (text, parameters) in commands)
            {
                await using var command = Command(connection, text, parameters);
                await using var reader = await command.ExecuteReaderAsync();
                do
                {
                    while (await reader.ReadAsync())
                        for (var i = 0; i < reader.FieldCount; i++) _ = reader.GetValue(i);
                } while (await reader.NextResultAsync());
            }
            return sw.Elapsed.TotalMilliseconds;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>Each recorded read with the database's plan for it: EXPLAIN QUERY PLAN on SQLite; on PostgreSQL EXPLAIN ANALYZE, which runs it and gives each step's time.</summary>
    public static async Task<IReadOnlyList<(string Sql, string Plan)>> ExplainAsync(IServiceProvider services, IReadOnlyList<(string Text, List<(string Name, object? Value, DbType Type)> Parameters)> commands)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AttuneDbContext>();
        var sqlite = db.Database.IsSqlite();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var plans = new List<(string, string)>();
        try
        {
            foreach (var (text, parameters) in commands)
            {
                await using var command = Command(connection, (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ") + text, parameters);
                var lines = new List<string>();
                // SQLite: id, parent, notused, detail (the detail is the plan line); PostgreSQL: one column of text.
                // Closed before the query runs again: PostgreSQL runs one command at a time on a connection.
                await using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync())
                        lines.Add(sqlite ? reader.GetString(3) : reader.GetString(0));
                // And the query itself, run and read to the end, timed (the third run: the first two warm the caches).
                var ms = 0.0;
                for (var run = 0; run < 3; run++)
                {
                    await using var query = Command(connection, text, parameters);
                    var sw = Stopwatch.StartNew();
                    await using var rows = await query.ExecuteReaderAsync();
                    while (await rows.ReadAsync()) for (var i = 0; i < rows.FieldCount; i++) _ = rows.GetValue(i);
                    ms = sw.Elapsed.TotalMilliseconds;
                }
                lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ran in {ms:0.00} ms"));
                plans.Add((text, string.Join("\n", lines)));
            }
        }
        finally
        {
            await connection.CloseAsync();
        }
        return plans;
    }

    /// <summary>
    /// Prints each query (its text has parameter placeholders, not values) with its plan. PostgreSQL's plans write the
    /// parameters' values into their conditions; those are masked, so that nothing but the plan's shape and times is
    /// printed.
    /// </summary>
    public static void Print(IEnumerable<(string Sql, string Plan)> plans)
    {
        foreach (var (query, plan) in plans)
            Console.WriteLine($"\n{query}\n  -- plan:\n  {System.Text.RegularExpressions.Regex.Replace(plan, "'(?:[^']|'')*'", "'…'").Replace("\n", "\n  ")}");
    }

    /// <summary>A recorded query as a plain command, with the values EF Core gave its parameters.</summary>
    private static DbCommand Command(DbConnection connection, string text, List<(string Name, object? Value, DbType Type)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value, type) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            if (type != DbType.Object) p.DbType = type;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name) subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (!recording || e.Key != RelationalEventId.CommandExecuted.Name || e.Value is not CommandExecutedEventData data || Only?.Invoke() == false) return;
        var parameters = data.Command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value is DBNull ? null : p.Value, p.DbType)).ToList();
        lock (seen) seen.Add((data.Context, data.Command.CommandText, parameters));
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        foreach (var s in subscriptions) s.Dispose();
    }
}
