using NetSim.Topologies.Policy;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A policy object of the scenario (networking/v1, Calico or Cilium), converted, with the YAML it was written as (written back unchanged).</summary>
public sealed record PolicySpec(IPolicyObject Policy, YamlMappingNode Source)
{
    /// <summary>A copy after the first that an item's "count" generated (its Source, with the count, is written once).</summary>
    public bool Expanded { get; init; }
}
