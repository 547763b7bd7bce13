using System.CommandLine;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cli.Commands;

internal static class ClusterCommand
{
    public static Command Create()
    {
        var affinity = new Option<string>("--affinity")
        {
            Description = "precomputed affinity: dense .npy float32 [n, n] (row i = sample i), or sparse CSR .npz (scipy.sparse.save_npz; quanta similarity --knn)",
            Required = true,
        };
        var clusters = new Option<string>("--clusters") { Description = "k, a list 50,100,200 or a range start:stop:step (a sweep)", Required = true };
        var output = new Option<string>("--output") { Description = "labels .npy, int32 [n] (one k) or [len(ks), n] (sweep); a .json beside it lists the ks", Required = true };
        var restarts = new Option<int>("--n-init") { Description = "k-means restarts", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
        var solver = new Option<EigenSolver>("--eigen-solver") { Description = "auto, dense or subspace", DefaultValueFactory = _ => EigenSolver.Auto };
        var maxMemory = new Option<string?>("--max-memory") { Description = "memory the step may use (e.g. 20G); default: what the machine has available" };
        var command = new Command("cluster", "spectral clustering of a precomputed affinity (scikit-learn's SpectralClustering semantics)")
        {
            affinity, clusters, output, restarts, seed, solver, maxMemory,
        };
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
        {
            var (counts, sweep) = SpectralClustering.ParseCounts(parse.GetValue(clusters)!);
            var affinityPath = parse.GetValue(affinity)!;
            var (n, entries, sparse) = ClusterEstimate.Shape(affinityPath);
            long budget = MemoryBudget.Budget(parse.GetValue(maxMemory));
            var estimate = ClusterEstimate.Estimate(n, entries, sparse, counts.Max());
            Console.Error.WriteLine($"estimate: {estimate}");
            MemoryBudget.Check(estimate, budget, ClusterEstimate.LargestFitting(n, entries, sparse, budget), affinityPath);
            var options = new SpectralClusteringOptions
            {
                Restarts = parse.GetValue(restarts), Seed = parse.GetValue(seed), Solver = parse.GetValue(solver),
            };
            var reporter = ProgressReporter.For(parse, Console.Error, Console.Out, !Console.IsErrorRedirected);
            // The library reports no progress from inside the eigensolver and k-means: one line says what runs.
            reporter.Report(new("cluster", null, $"spectral embedding and k-means for k = {string.Join(", ", counts)}"));
            var embedding = SpectralClustering.Run(parse.GetValue(affinity)!, counts, sweep, parse.GetValue(output)!, options);
            reporter.Finish();
            if (!embedding.Converged)
                Console.Error.WriteLine($"warning: eigensolver stopped after {embedding.Iterations} sweeps with residual {embedding.MaxResidual:G3}");
            reporter.Result(new { Command = "cluster", embedding.Samples, ClusterCounts = counts, embedding.Converged, embedding.Iterations,
                embedding.MaxResidual, Output = parse.GetValue(output) },
                () => Console.WriteLine($"clustered {embedding.Samples} samples into k = {string.Join(", ", counts)}: {parse.GetValue(output)}"));
            return 0;
        });
        return command;
    }
}
