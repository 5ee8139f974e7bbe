using System.Globalization;
using k8s;
using k8s.Models;

namespace NetSim.Experiments.Sweeps;

/// <summary>
/// A sweep as a Kubernetes Indexed Job (batch/v1, completionMode: Indexed): one completion per shard, at most
/// `parallelism` pods at once, each pod's completion index (the batch.kubernetes.io/job-completion-index annotation,
/// given to the container as JOB_COMPLETION_INDEX) is its --shard, and results go to a PersistentVolumeClaim every pod
/// mounts at /results. A pod that exits 1 or 2 (a broken invariant or bad input: it would fail again) fails the Job;
/// any other failure (eviction, the node lost, out of memory) retries that index, which resumes its saved runs.
/// </summary>
public static class KubernetesSweepJob
{
    public const string IndexVariable = "JOB_COMPLETION_INDEX";

    private const string Container = "netsim";
    private const string Volume = "results";

    public static V1Job Build(ClusterSweep s)
    {
        string results = s.ResultsDirectory(ClusterSweep.ResultsMount);
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "netsim", ["app.kubernetes.io/component"] = "sweep", ["netsim/sweep"] = s.JobName };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = s.JobName, Labels = labels },
            Spec = new V1JobSpec
            {
                CompletionMode = "Indexed",
                Completions = s.Shards,
                Parallelism = s.Parallelism,
                // Every shard may be retried once after a failure that is not its own (the Job fails past that).
                BackoffLimit = s.Shards,
                PodFailurePolicy = new V1PodFailurePolicy
                {
                    Rules =
                    [
                        new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { ContainerName = Container, OperatorProperty = "In", Values = [1, 2] } },
                        new V1PodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }] },
                    ],
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Container,
                                Image = s.Image,
                                Args = [.. s.TaskArguments($"$({IndexVariable})", results)],
                                Env = [new V1EnvVar { Name = IndexVariable, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
                                // One run at a time (--jobs 1) on one core: the scheduler packs the pods.
                                Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new ResourceQuantity("1") } },
                                VolumeMounts = [new V1VolumeMount { Name = Volume, MountPath = ClusterSweep.ResultsMount }],
                            },
                        ],
                        Volumes = [new V1Volume { Name = Volume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = s.VolumeClaim } }],
                    },
                },
            },
        };
    }

    /// <summary>The manifest as YAML, headed by how to run it and merge its results.</summary>
    public static string Yaml(ClusterSweep s)
    {
        string results = s.ResultsDirectory(ClusterSweep.ResultsMount);
        return $"""
            # netsim sweep {s.SweepPath}: {s.Shards.ToString(CultureInfo.InvariantCulture)} shards as a Kubernetes Indexed Job, at most {s.Parallelism.ToString(CultureInfo.InvariantCulture)} pods at once.
            # Needs the image {s.Image} (the repository's Dockerfile) and a ReadWriteMany PersistentVolumeClaim '{s.VolumeClaim}'.
            #   kubectl apply -f THIS_FILE && kubectl wait --for=condition=complete --timeout=24h job/{s.JobName}
            # Then, wherever the volume is mounted at {ClusterSweep.ResultsMount}: {ClusterSweep.MergeCommand(results)}

            """ + KubernetesYaml.Serialize(Build(s)).TrimEnd('\n') + "\n"; // a text file ends with its line break
    }
}
