namespace Attune.Web.Features.Background;

/// <summary>
/// A background pass that runs every <paramref name="interval"/> in its own service scope, on the app's clock (so
/// tests drive it with a fake one). A failed pass is logged by exception type only and the next one runs as usual.
/// </summary>
public abstract class PeriodicPass(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger, TimeSpan interval, string name) : BackgroundService
{
    /// <summary>One pass; returns how many things it did, for the log.</summary>
    protected abstract Task<int> RunOnceAsync(IServiceProvider services, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var scope = scopes.CreateScope();
                var done = await RunOnceAsync(scope.ServiceProvider, stoppingToken);
                if (done > 0) logger.LogInformation("{Pass}: {Count} done", name, done);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("{Pass} failed: {ErrorType}", name, e.GetType().Name);
            }
        }
    }
}
