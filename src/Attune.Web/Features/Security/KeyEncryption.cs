using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attune.Web.Database;
using Microsoft.AspNetCore.DataProtection;

namespace Attune.Web.Features.Security;

/// <summary>
/// The Data Protection keys (which encrypt every free text, link and cookie) live in the database, so that every node
/// shares them; they are themselves encrypted there with a certificate kept outside the database. A copy of the
/// database alone then opens nothing. On first start Attune makes the certificate (RSA 3072, self-signed) and writes
/// it readable by its owner only; a clinic can give its own (DataProtection:CertificatePath, :CertificatePassword).
/// Keys rotate: a new one every DataProtection:KeyLifetimeDays (90), older ones kept to read what they encrypted.
/// </summary>
public static class KeyEncryption
{
    public const string FileName = "attune-key-encryption.pfx";

    /// <summary>Data Protection as every part of Attune uses it: keys in the database, encrypted at rest with the certificate.</summary>
    public static IServiceCollection AddAttuneDataProtection(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddDataProtection()
            .SetApplicationName("Attune")
            .PersistKeysToDbContext<Attune.Data.AttuneDbContext>()
            .ProtectKeysAtRest(config, env);
        return services;
    }

    public static IDataProtectionBuilder ProtectKeysAtRest(this IDataProtectionBuilder builder, IConfiguration config, IHostEnvironment env)
    {
        var certificate = LoadOrCreate(CertificatePath(config, env), config["DataProtection:CertificatePassword"]);
        var days = Math.Clamp(config.GetValue("DataProtection:KeyLifetimeDays", 90), 7, 365);
        return builder
            .ProtectKeysWithCertificate(certificate)
            // Linux has no certificate store to look the decrypting certificate up in: hand it over.
            .UnprotectKeysWithAnyCertificate(certificate)
            .SetDefaultKeyLifetime(TimeSpan.FromDays(days));
    }

    /// <summary>Where the certificate is: the setting, else beside the SQLite file, else in the content root's data folder.</summary>
    public static string CertificatePath(IConfiguration config, IHostEnvironment env)
    {
        if (config["DataProtection:CertificatePath"] is { Length: > 0 } configured)
            return Path.GetFullPath(configured, env.ContentRootPath);
        var provider = (config["Database:Provider"] ?? DatabaseSetup.Sqlite).Trim().ToLowerInvariant();
        var folder = provider == DatabaseSetup.Sqlite
            ? Path.GetDirectoryName(Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(DatabaseSetup.ConnectionString(config, env, provider)).DataSource, env.ContentRootPath))!
            : Path.Combine(env.ContentRootPath, "data");
        return Path.Combine(folder, FileName);
    }

    public static X509Certificate2 LoadOrCreate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=Attune Data Protection key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            // Two processes starting at once: the first one's certificate is the one kept.
            PrivateFiles.WriteOnce(path, created.Export(X509ContentType.Pkcs12, password));
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"The key-encryption certificate {path} cannot be read ({e.Message}). Check DataProtection:CertificatePassword, or restore the file from your backup: without it the encrypted text in the database cannot be read.", e);
        }
    }
}
