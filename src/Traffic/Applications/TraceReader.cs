using System.Globalization;
using CsvHelper;
using NetSim.Engine.Core;
using NetSim.Engine.Diagnostics;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Reads a traffic trace CSV with a header row. Columns: <c>start</c> (a time with its unit: 0s, 1.5ms, 250us),
/// <c>source</c>, <c>destination</c>, <c>protocol</c> (tcp or udp), <c>port</c>, and either <c>bytes</c> (a
/// one-way TCP flow, or the UDP payload to send) or <c>request</c> with optional <c>response</c> (TCP only).
/// Lines starting with # are comments. Every problem becomes an <see cref="InputException"/> naming the file,
/// line and column.
/// </summary>
public static class TraceReader
{
    private static readonly string[] Required = ["start", "source", "destination", "protocol", "port"];

    public static IReadOnlyList<TraceRecord> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var reader = new StringReader(InputFile.ReadText(path, "trace"));
            return Read(reader, path);
        }
        catch (IOException e)
        {
            throw new InputException(path, 0, "", $"cannot read the trace: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException(path, 0, "", $"cannot read the trace: {e.Message}");
        }
    }

    public static IReadOnlyList<TraceRecord> Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var options = new CsvReaderOptions
        {
            CommentPrefix = '#',
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            NormalizeHeaderName = h => h.Trim().ToLowerInvariant(),
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        try
        {
            using CsvReader csv = CsvReader.Create(reader, options, true);
            csv.ReadHeader();
            IReadOnlyList<string> header = csv.Headers ?? [];
            if (header.Count == 0) throw new InputException(file, 1, "", "the trace is empty; expected a header row");
            foreach (string c in Required)
                if (!header.Contains(c)) throw new InputException(file, 1, c, $"missing column '{c}' in the header");
            if (!header.Contains("bytes") && !header.Contains("request"))
                throw new InputException(file, 1, "bytes", "the header needs a 'bytes' or a 'request' column");

            var records = new List<TraceRecord>();
            while (csv.Read())
            {
                int line = (int)csv.LineNumber;
                string? Field(string name) =>
                    csv.TryGetFieldIndex(name, out int i) && i < csv.FieldCount ? csv.GetString(i) : null;
                records.Add(ParseRow(file, line, Field("start"), Field("source"), Field("destination"), Field("protocol"), Field("port"),
                    Field("bytes"), Field("request"), Field("response")));
            }
            return records;
        }
        catch (CsvFormatException e)
        {
            throw new InputException(file, (int)e.LineNumber, "", $"malformed CSV: {e.Message}");
        }
    }

    private static TraceRecord ParseRow(string file, int line, string? start, string? source, string? destination, string? protocol,
        string? port, string? bytes, string? request, string? response)
    {
        if (!SimTime.TryParse(start, out SimTime at, out string timeError))
            throw new InputException(file, line, "start", timeError);
        if (at.Picoseconds < 0) throw new InputException(file, line, "start", $"'{start}' is negative");
        if (string.IsNullOrEmpty(source)) throw new InputException(file, line, "source", "missing source");
        if (string.IsNullOrEmpty(destination)) throw new InputException(file, line, "destination", "missing destination");
        StreamProtocol proto = protocol?.ToLowerInvariant() switch
        {
            "tcp" => StreamProtocol.Tcp,
            "udp" => StreamProtocol.Udp,
            _ => throw new InputException(file, line, "protocol", $"'{protocol}' is not a protocol; expected tcp or udp"),
        };
        if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p) || p == 0)
            throw new InputException(file, line, "port", $"'{port}' is not a port number (1-65535)");
        long? b = Size(file, line, "bytes", bytes);
        long? req = Size(file, line, "request", request);
        long? resp = Size(file, line, "response", response);
        if (b is not null && (req is not null || resp is not null))
            throw new InputException(file, line, "bytes", "give either bytes or request/response, not both");
        if (proto == StreamProtocol.Udp)
        {
            if (req is not null || resp is not null) throw new InputException(file, line, "request", "a UDP row takes bytes, not request/response");
            if (b is null or 0) throw new InputException(file, line, "bytes", "a UDP row needs a positive byte count");
            return new TraceRecord(at.Picoseconds, source, destination, proto, p, b.Value, 0, line);
        }
        long requestBytes = b ?? req ?? 0;
        if (requestBytes <= 0) throw new InputException(file, line, b is null ? "request" : "bytes", "a TCP row needs a positive request size");
        return new TraceRecord(at.Picoseconds, source, destination, proto, p, requestBytes, resp ?? 0, line);
    }

    private static long? Size(string file, int line, string field, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            throw new InputException(file, line, field, $"'{text}' is not a byte count");
        return v;
    }
}
