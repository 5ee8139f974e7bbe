using BenchmarkDotNet.Running;
using NetSim.Bench;

if (args.Length > 0 && args[0] == "--cpu-time") CpuTimeRunner.Run();
else if (args.Length > 0 && args[0] == "--stream-cpu") StreamCpuRunner.Run();
else if (args.Length > 1 && args[0] == "--memory" && args[1] == "shared") MemoryRunner.RunShared(args[2..]);
else if (args.Length > 0 && args[0] == "--memory") MemoryRunner.Run();
else if (args.Length > 0 && args[0] == "--scale") ScaleRunner.Run(args.Length > 1 ? args[1] : null);
else if (args.Length > 0 && args[0] == "--cluster-scale") ClusterScaleRunner.Run(args);
else if (args.Length > 0 && args[0] == "--parallel") ParallelRunner.Run(args.Length > 1 ? args[1] : null, args.Length > 2 ? args[2] : null);
else if (args.Length > 0 && args[0] == "--groups") TrafficGroupRunner.Run(args.Length > 1 ? args[1] : null);
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
