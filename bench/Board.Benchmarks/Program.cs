using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Board.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
