namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A namespace and its labels, kubernetes.io/metadata.name=NAME always among them (set by the API server).</summary>
public sealed record NamespaceSpec(string Name, IReadOnlyDictionary<string, string> Labels);
