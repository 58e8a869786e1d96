using System.Collections.Concurrent;

namespace Attune.Web.Tests.Infrastructure;

/// <summary>
/// One app per database shared by the tests of a class (<c>IClassFixture&lt;SharedApps&gt;</c>), for tests that each work on
/// records of their own and change nothing another test looks at. Started on first use, stopped after the class.
/// </summary>
public sealed class SharedApps : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<AttuneFactory>>> _apps = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<StaffClient>>> _clinicians = new();

    public Task<AttuneFactory> GetAsync(string provider) =>
        _apps.GetOrAdd(provider, p => new Lazy<Task<AttuneFactory>>(() => AttuneFactory.StartAsync(p))).Value;

    /// <summary>The demo clinician, signed in once per app (as many sign-ins from one address would meet the rate limit).</summary>
    public Task<StaffClient> ClinicianAsync(string provider) =>
        _clinicians.GetOrAdd(provider, p => new Lazy<Task<StaffClient>>(async () => await Demo.ClinicianAsync(await GetAsync(p)))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated))
            await (await app.Value).DisposeAsync();
    }
}
