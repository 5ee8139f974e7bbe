namespace NetSim.Topologies.Ipam;

/// <summary>An IPAM failure with host-local's own message text (exhaustion, bad range, duplicate allocation).</summary>
public sealed class IpamException : Exception
{
    public IpamException() { }
    public IpamException(string message) : base(message) { }
    public IpamException(string message, Exception inner) : base(message, inner) { }
}
