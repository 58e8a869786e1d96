using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Attune.Web.Database;

/// <summary>
/// SQLite lets one connection write at a time. Left to itself, a writer that finds the file locked sleeps and retries
/// until its timeout, so under load most of the time goes on sleeping and the slowest answers take seconds. This gate
/// makes Attune's writers take turns in the process instead: a write transaction (which SQLite begins IMMEDIATE, taking
/// the write lock at once) waits for the gate before it begins and gives it back when it commits, rolls back, fails or
/// its connection closes; a writing command outside any transaction (an <c>ExecuteUpdate</c>, a single-row save) holds
/// it while it runs. Reads never wait: in WAL mode they do not need the write lock. One gate per database file.
/// </summary>
/// <remarks>
/// If the gate is not free within <see cref="Patience"/>, the writer goes on without it and SQLite's own busy
/// handling decides, as before; so a writer that somehow holds the gate too long slows the others, never stops them.
/// Another process writing the same file (the <c>attune</c> command line) is still handled by SQLite's busy timeout.
/// </remarks>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor
{
    public static readonly SqliteWriteGate Instance = new();
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    // What each connection (its transaction) or command holds, so that it is given back exactly once.
    private readonly ConditionalWeakTable<DbConnection, Held> byConnection = new();
    private readonly ConditionalWeakTable<DbCommand, Held> byCommand = new();

    private sealed class Held(SemaphoreSlim gate)
    {
        private int released;
        public void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }

    /// <summary>Whether a writer holds the gate of this database file now (for the tests).</summary>
    internal static bool IsHeld(string dataSource) => Gates.TryGetValue(dataSource, out var gate) && gate.CurrentCount == 0;

    private static SemaphoreSlim GateOf(DbConnection connection) =>
        Gates.GetOrAdd(connection is SqliteConnection sqlite ? sqlite.DataSource : connection.ConnectionString, _ => new SemaphoreSlim(1, 1));

    private async ValueTask<Held?> EnterAsync(DbConnection connection, CancellationToken ct)
    {
        var gate = GateOf(connection);
        return await gate.WaitAsync(Patience, ct).ConfigureAwait(false) ? new Held(gate) : null;
    }

    private Held? Enter(DbConnection connection)
    {
        var gate = GateOf(connection);
        return gate.Wait(Patience) ? new Held(gate) : null;
    }

    // Transactions: the gate from before BEGIN to the end of the transaction.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (await EnterAsync(connection, cancellationToken) is { } held) Hold(connection, held);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (Enter(connection) is { } held) Hold(connection, held);
        return result;
    }

    private void Hold(DbConnection connection, Held held)
    {
        // A connection holds the gate for one transaction at a time; anything left from before is given back.
        if (byConnection.TryGetValue(connection, out var old)) old.Release();
        byConnection.AddOrUpdate(connection, held);
    }

    private void Leave(DbConnection? connection)
    {
        if (connection is not null && byConnection.TryGetValue(connection, out var held))
        {
            byConnection.Remove(connection);
            held.Release();
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context?.Database.GetDbConnection());
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context?.Database.GetDbConnection());
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(eventData.Context?.Database.GetDbConnection());
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback ends when its connection closes (SQLite rolls it back).
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    // Writing commands outside a transaction: the gate while the command runs (a reader's, until it is disposed).
    private static bool Writes(DbCommand command) =>
        command.Transaction is null && !command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    private async ValueTask EnterForAsync(DbCommand command, CancellationToken ct)
    {
        if (Writes(command) && command.Connection is { } connection && await EnterAsync(connection, ct) is { } held)
            byCommand.AddOrUpdate(command, held);
    }

    private void EnterFor(DbCommand command)
    {
        if (Writes(command) && command.Connection is { } connection && Enter(connection) is { } held)
            byCommand.AddOrUpdate(command, held);
    }

    private void LeaveFor(DbCommand command)
    {
        if (byCommand.TryGetValue(command, out var held))
        {
            byCommand.Remove(command);
            held.Release();
        }
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterFor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterForAsync(command, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveFor(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveFor(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterFor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterForAsync(command, cancellationToken);
        return result;
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        LeaveFor(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        LeaveFor(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterFor(command);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterForAsync(command, cancellationToken);
        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        LeaveFor(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveFor(command);
    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveFor(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveFor(command);
    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveFor(command);
        return Task.CompletedTask;
    }
}
