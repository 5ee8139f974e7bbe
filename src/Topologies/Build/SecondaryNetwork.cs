using NetSim.Engine.Addressing;
using NetSim.Engine.Switching;

namespace NetSim.Topologies.Build;

/// <summary>A network apart from the node fabric (cluster.nics[].network): its own learning switch, subnet and ARP.</summary>
public sealed record SecondaryNetwork(string Name, Ipv4Prefix Cidr, EthernetSwitch Switch, ClusterArp Arp);
