namespace NetSim.Topologies.Policy;

/// <summary>The two directions a NetworkPolicy isolates: traffic into a selected pod, and out of it.</summary>
public enum PolicyDirection
{
    Ingress,
    Egress,
}
