namespace NetSim.Topologies.Policy;

/// <summary>A Calico rule's action: Allow and Deny decide; Pass ends the tier (on to the profiles); Log only logs and continues.</summary>
public enum CalicoAction
{
    Allow,
    Deny,
    Log,
    Pass,
}
