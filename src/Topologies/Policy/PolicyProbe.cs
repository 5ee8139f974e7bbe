namespace NetSim.Topologies.Policy;

/// <summary>
/// One probe of a reachability matrix: a destination port and protocol ("80/TCP", "81/UDP", "80/SCTP"), as upstream's e2e
/// TestCase. A TCP probe is a connection and one request/response; a UDP probe one datagram that must arrive; an
/// SCTP probe an association's INIT that must be answered by an INIT ACK.
/// </summary>
public sealed record PolicyProbe(int Port, string Protocol)
{
    public static bool TryParse(string text, out PolicyProbe probe, out string error)
    {
        probe = new PolicyProbe(80, "TCP");
        var parts = text.Split('/');
        string proto = parts.Length > 1 ? parts[1].ToUpperInvariant() : "TCP";
        if (parts.Length > 2 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"'{text}' is not PORT[/PROTOCOL] (e.g. 80/TCP)";
            return false;
        }
        if (proto is not ("TCP" or "UDP" or "SCTP"))
        {
            error = $"'{text}': '{parts[1]}' is not TCP, UDP or SCTP";
            return false;
        }
        probe = new PolicyProbe(port, proto);
        error = "";
        return true;
    }

    /// <summary>As §4.2 of cyclonus and the upstream tables print it: "TCP/80".</summary>
    public override string ToString() => $"{Protocol}/{Port}";
}
