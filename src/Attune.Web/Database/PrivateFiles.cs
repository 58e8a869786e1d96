namespace Attune.Web.Database;

/// <summary>
/// The database, its write-ahead log, backups and audit checkpoints hold clients' data: only the account Attune runs as
/// may read them (0600; folders 0700). SQLite gives its -wal and -shm files the mode of the database file, so making the
/// database file private first keeps them private too.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the file empty and private when it is not there; makes it private when it is.</summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Mode });
        }
        else if ((File.GetUnixFileMode(path) & ~Mode) != 0)
            File.SetUnixFileMode(path, Mode);
    }

    /// <summary>Makes an existing file private (a copy made by another API).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
            File.SetUnixFileMode(path, Mode);
    }

    /// <summary>
    /// Writes a new private file once: through a private temporary file renamed into place, so that of two processes
    /// starting at once the first one's file is kept (a key, a certificate). Returns false when one was already there.
    /// </summary>
    public static bool WriteOnce(string path, byte[] contents)
    {
        EnsureFolder(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        Ensure(temporary);
        File.WriteAllBytes(temporary, contents);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }

    /// <summary>Creates a folder only its owner may enter, or leaves an existing one as the admin set it.</summary>
    public static void EnsureFolder(string path)
    {
        if (Directory.Exists(path))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, FolderMode);
    }
}
