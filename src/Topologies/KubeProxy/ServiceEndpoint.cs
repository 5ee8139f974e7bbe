using System.Globalization;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One endpoint of a Service port, as an EndpointSlice lists it: address, target port, the node it runs on, and its
/// conditions. <paramref name="Ready"/> is the readiness the pod reports (the EndpointSlice "serving" condition);
/// with <paramref name="Terminating"/> set the endpoint is not "ready" for kube-proxy, but a serving terminating
/// endpoint is still used when nothing else is left (ProxyTerminatingEndpoints).
/// </summary>
public sealed record ServiceEndpoint(Ipv4Address Ip, ushort Port, string Node, bool Ready = true, bool Terminating = false)
{
    /// <summary>
    /// hints.forZones[0].name as the EndpointSlice controller set it (null: no hint). The controller only ever writes one
    /// zone per endpoint, so one string is the whole hint.
    /// </summary>
    public string? ZoneHint { get; init; }

    /// <summary>Endpoint.IsReady(): ready and not terminating.</summary>
    public bool IsReady => Ready && !Terminating;

    /// <summary>Serving and terminating: the fallback kube-proxy uses when no ready endpoint is left.</summary>
    public bool IsServingTerminating => Ready && Terminating;

    /// <summary>"ip:port", the string kube-proxy sorts endpoints by and hashes into KUBE-SEP chain names.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Ip}:{Port}");

    public override string ToString() => Text;
}
