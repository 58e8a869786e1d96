namespace Attune.Web.Background;

/// <summary>
/// A background pass that runs <paramref name="interval"/> after the previous one ended, in its own service scope, on
/// the app's clock (so tests drive it with a fake one). A failed pass is logged by exception type only and the next one
/// runs as usual.
/// </summary>
/// <remarks>
/// A fresh delay after each pass, not a periodic timer: when the clock jumps (a machine waking from sleep, a test moving
/// its clock by weeks) a periodic timer owes one tick per interval missed, and each would run the pass again.
/// </remarks>
public abstract class PeriodicPass(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger, TimeSpan interval, string name) : BackgroundService
{
    /// <summary>One pass; returns how many things it did, for the log.</summary>
    protected abstract Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct);

    /// <summary>The level at which a pass that did something is logged.</summary>
    protected virtual LogLevel DoneLevel => LogLevel.Information;

    /// <summary>Whether one more pass runs when the app stops, so that nothing waits for the next start.</summary>
    protected virtual bool RunsAtShutdown => false;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!RunsAtShutdown) return;
        try
        {
            using var scope = scopes.CreateScope();
            await RunOnceAsync(scope.ServiceProvider, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("{Pass} failed at shutdown: {ErrorType}", name, e.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                using var scope = scopes.CreateScope();
                var done = await RunOnceAsync(scope.ServiceProvider, stoppingToken);
                if (done > 0) logger.Log(DoneLevel, "{Pass}: {Count} done", name, done);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("{Pass} failed: {ErrorType}", name, e.GetType().Name);
            }
        }
    }
}
