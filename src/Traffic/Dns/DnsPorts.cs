namespace NetSim.Traffic.Dns;

/// <summary>The IANA "domain" port, 53 (RFC 1035 §4.2).</summary>
public static class DnsPorts
{
    public const ushort Domain = 53;
}
