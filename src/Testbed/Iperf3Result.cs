using System.Globalization;
using System.Text.Json;

namespace NetSim.Testbed;

/// <summary>
/// One iperf3 run as its JSON report (iperf3 -J) states it: the receiver's goodput over the test (end.sum_received,
/// what iperf3 prints as the receiver's bitrate), the sender's retransmissions, and both ends' CPU use.
/// </summary>
public sealed record Iperf3Result(double ReceivedBitsPerSecond, double Seconds, long Bytes, long Retransmits, double HostCpuPercent, double RemoteCpuPercent)
{
    /// <summary>Parses iperf3's JSON report; a report with an "error" field, or without the totals, is a failed run.</summary>
    public static Iperf3Result Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TestbedException($"iperf3 did not write a JSON report ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error)) throw new TestbedException($"iperf3: {error.GetString()}");
            if (!root.TryGetProperty("end", out var end) || !end.TryGetProperty("sum_received", out var received))
                throw new TestbedException("iperf3's JSON report has no end.sum_received");
            double bps = Number(received, "bits_per_second");
            double seconds = Number(received, "seconds");
            if (!(bps > 0) || !(seconds > 0)) throw new TestbedException("iperf3 received nothing");
            long retransmits = end.TryGetProperty("sum_sent", out var sent) && sent.TryGetProperty("retransmits", out var r) ? r.GetInt64() : 0;
            double host = 0, remote = 0;
            if (end.TryGetProperty("cpu_utilization_percent", out var cpu))
            {
                host = Number(cpu, "host_total");
                remote = Number(cpu, "remote_total");
            }
            return new Iperf3Result(bps, seconds, (long)Number(received, "bytes"), retransmits, host, remote);
        }
    }

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ReceivedBitsPerSecond / 1e9:0.00} Gbit/s over {Seconds:0.0} s, {Retransmits} retransmits");
}
