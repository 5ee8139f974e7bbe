using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// ARP on a physical link, provided by whatever the device is cabled to (a wire, a switch fabric): who answers
/// "who has <paramref name="target"/>?" sent by <paramref name="requester"/> out of <paramref name="asking"/>
/// (typically: the device at the other end answers through <see cref="NetDevice.AnswerArp"/>). The answer is instant.
/// </summary>
public interface ILinkNeighbourResolver
{
    bool TryResolve(PhysicalDevice asking, Ipv4Address target, MacAddress requester, out MacAddress mac);
}
