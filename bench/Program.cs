using BenchmarkDotNet.Running;
using NetSim.Bench;

if (args.Length > 0 && args[0] == "--cpu-time") CpuTimeRunner.Run();
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
