using System.CommandLine;
using QuantaDiscovery.Qdg;
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
        var restarts = SettingOptions.From<int>(QdgSettings.Restarts);
        var assignLabels = SettingOptions.From<string>(QdgSettings.AssignLabels);
        var seed = SettingOptions.From<int>(QdgSettings.Seed);
        var solver = new Option<EigenSolver>("--eigen-solver") { Description = "spectral embedding's eigensolver: auto, dense or subspace", DefaultValueFactory = _ => EigenSolver.Auto };
        var method = new Option<string>("--method")
        {
            Description = string.Join("; ", ClusteringMethods.All.Select(m => $"{m.Name}: {m.Description}")), DefaultValueFactory = _ => ClusteringMethods.Default,
        };
        var maxMemory = new Option<string?>("--max-memory") { Description = "memory the step may use (e.g. 20G); default: what the machine has available" };
        var command = new Command("cluster", "cluster a precomputed affinity (default: spectral clustering with scikit-learn's semantics, the paper's method)")
        {
            affinity, clusters, output, method, restarts, assignLabels, seed, solver, maxMemory,
        };
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
        {
            var (counts, sweep) = ClusterCounts.Parse(parse.GetValue(clusters)!);
            var options = new ClusteringOptions
            {
                Method = parse.GetValue(method)!, Restarts = parse.GetValue(restarts), Seed = parse.GetValue(seed), Solver = parse.GetValue(solver),
                AssignLabels = parse.GetValue(assignLabels)!,
            };
            options.Validate();
            var outputFolder = Path.GetDirectoryName(Path.GetFullPath(parse.GetValue(output)!))!;
            if (!Directory.Exists(outputFolder)) throw new InputException("the output folder does not exist", outputFolder);
            var affinityPath = parse.GetValue(affinity)!;
            var (n, entries, sparse) = ClusterEstimate.Shape(affinityPath);
            long budget = MemoryBudget.Budget(parse.GetValue(maxMemory));
            var estimate = ClusterEstimate.Estimate(n, entries, sparse, counts.Max(), options.AssignLabels);
            parse.Err().WriteLine($"estimate: {estimate}");
            MemoryBudget.Check(estimate, budget, ClusterEstimate.LargestFitting(n, entries, sparse, budget, options.AssignLabels), affinityPath);
            NativeHeap.ReturnLargeBlocks();
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var run = AffinityClustering.Run(parse.GetValue(affinity)!, counts, sweep, parse.GetValue(output)!, options);
            foreach (var warning in run.Warnings) parse.Err().WriteLine($"warning: {warning}");
            reporter.Result(new { Command = "cluster", run.Method, run.Samples, ClusterCounts = counts, run.Warnings, Output = run.LabelsPath },
                () => parse.Out().WriteLine($"clustered {run.Samples} samples into k = {string.Join(", ", counts)} ({run.Method}): {run.LabelsPath}"));
            return 0;
        });
        return command;
    }
}
