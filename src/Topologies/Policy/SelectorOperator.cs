namespace NetSim.Topologies.Policy;

/// <summary>The operators of a label selector's matchExpressions (apimachinery metav1.LabelSelectorOperator).</summary>
public enum SelectorOperator
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
}
