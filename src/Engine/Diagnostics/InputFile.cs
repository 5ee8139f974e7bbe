using System.Text;

namespace NetSim.Engine.Diagnostics;

/// <summary>
/// Reads an input file (a scenario, sweep, conflist, trace, measurements file or cost profile) the one safe way:
/// only a regular file, at most a given size, strict UTF-8 (a byte-order mark is allowed). A pipe or a device
/// given as a file would block or never end (a FIFO waits for a writer, /dev/zero never stops), so those are
/// refused before they are opened; a file that is too large is refused before it is read.
/// </summary>
public static class InputFile
{
    /// <summary>The largest input netsim reads: far above any real scenario (thousands of Services are one "count").</summary>
    public const long DefaultMaxBytes = 8L << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text; every problem is an <see cref="InputException"/> naming the file.</summary>
    /// <param name="what">What the file is, for messages ("scenario", "conflist").</param>
    public static string ReadText(string path, string what, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ReadBytes(path, what, maxBytes);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            int bad = FirstInvalidUtf8(bytes, start);
            throw new InputException(path, LineAt(bytes, bad), "", $"is not UTF-8 text (byte {bad + 1} is 0x{bytes[bad]:X2}); save the {what} as UTF-8");
        }
    }

    /// <summary>Checks <paramref name="path"/> names a regular file netsim may read, without opening it.</summary>
    public static void CheckReadable(string path, string what, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new InputException("", 0, "", $"the {what} file name is empty");
        if (path.Contains('\0', StringComparison.Ordinal)) throw new InputException(Printable(path), 0, "", "a file name cannot contain a NUL character");
        FileInfo info;
        try
        {
            if (Directory.Exists(path)) throw new InputException(path, 0, "", $"is a directory, not a {what} file");
            info = new FileInfo(path);
            // A symbolic link is judged by what it points at (a link to /dev/zero is a device).
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
            if (!info.Exists) throw new InputException(path, 0, "", $"cannot read the {what}: file not found");
            // A pipe, socket or device has no size; reading one would block (a FIFO) or never end (/dev/zero).
            if (info.Length == 0) throw new InputException(path, 0, "", $"is empty, or not a regular file (a pipe or a device); a {what} must be a regular file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new InputException(Printable(path), 0, "", $"cannot read the {what}: {e.Message}");
        }
        if (info.Length > maxBytes)
            throw new InputException(path, 0, "", $"is {info.Length:N0} bytes, more than the {maxBytes:N0} a {what} may have");
    }

    private static byte[] ReadBytes(string path, string what, long maxBytes)
    {
        CheckReadable(path, what, maxBytes);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            if (!stream.CanSeek || stream.Length == 0) throw new InputException(path, 0, "", $"is empty, or not a regular file; a {what} must be a regular file");
            // Read at most one byte past the limit: a file that grew after the check is still refused, never read whole.
            var buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(stream.Length, 0) + 1)];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
            }
            if (total > maxBytes) throw new InputException(path, 0, "", $"is more than the {maxBytes:N0} bytes a {what} may have");
            return total == buffer.Length ? buffer : buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new InputException(path, 0, "", $"cannot read the {what}: {e.Message}");
        }
    }

    private static int FirstInvalidUtf8(byte[] bytes, int start)
    {
        // UTF-8 never decodes to more UTF-16 characters than it has bytes, so one pass finds the first bad byte.
        System.Text.Unicode.Utf8.ToUtf16(bytes.AsSpan(start), new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return Math.Min(start + read, bytes.Length - 1);
    }

    private static int LineAt(byte[] bytes, int index)
    {
        int line = 1;
        for (int i = 0; i < index && i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') line++;
        return line;
    }

    /// <summary>A file name fit for a one-line message: control characters shown as '?'.</summary>
    public static string Printable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var sb = new StringBuilder(Math.Min(path.Length, 256));
        foreach (char c in path.Length > 256 ? path[..256] + "..." : path) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
