using Attune.Web.Features.Security;
using Attune.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Attune.Web.Tests.Security;

/// <summary>The Data Protection keys in the database are encrypted with a certificate kept outside it, and rotate.</summary>
public class KeyEncryptionTests
{
    [Theory, AllDatabases]
    public async Task Keys_in_the_database_are_encrypted_and_rotate_on_schedule(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("attune-keys-").FullName;
        var certificate = Path.Combine(dir, "clinic-keys.pfx");
        try
        {
            await using var app = await AttuneFactory.StartAsync(provider, new Dictionary<string, string>
            {
                ["DataProtection:CertificatePath"] = certificate, ["DataProtection:KeyLifetimeDays"] = "30",
            });
            // The demo seed encrypted its free text, so the first key exists.
            var staff = await Demo.ClinicianAsync(app);
            Assert.Contains("Alex M.", await staff.Http.GetStringAsync("/", ct));

            await using var db = app.CreateDbContext();
            var keys = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(ct);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml);
                Assert.Contains("EncryptedXmlDecryptor", xml);
                Assert.Contains("<X509Certificate>", xml);
                // An unencrypted key carries its master key in a <value> element under this warning.
                Assert.DoesNotContain("<value>", xml);
                Assert.DoesNotContain("unencrypted form", xml);
            });
            Assert.True(File.Exists(certificate));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate));

            var all = app.Services.GetRequiredService<IKeyManager>().GetAllKeys();
            Assert.All(all, k => Assert.Equal(TimeSpan.FromDays(30), k.ExpirationDate - k.ActivationDate));

            // The wrong password for the certificate stops the start with a reason, not a half-working app.
            var error = Assert.Throws<InvalidOperationException>(() => KeyEncryption.LoadOrCreate(certificate, "not-the-password"));
            Assert.Contains("cannot be read", error.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
