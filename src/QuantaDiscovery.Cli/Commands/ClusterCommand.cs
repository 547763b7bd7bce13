using System.CommandLine;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cli.Commands;

internal static class ClusterCommand
{
    public static Command Create()
    {
        var affinity = SettingOptions.From<string>(ClusterSettings.Affinity);
        var clusters = SettingOptions.From<string>(ClusterSettings.Clusters);
        var output = SettingOptions.From<string>(ClusterSettings.Output);
        var method = SettingOptions.From<string>(QdgSettings.Method);
        var restarts = SettingOptions.From<int>(QdgSettings.Restarts);
        var assignLabels = SettingOptions.From<string>(QdgSettings.AssignLabels);
        var seed = SettingOptions.From<int>(QdgSettings.Seed);
        var solver = SettingOptions.From<EigenSolver>(ClusterSettings.Solver);
        var maxMemory = SettingOptions.From<string?>(MemorySettings.MaxMemory);
        var command = new Command("cluster", "cluster a precomputed affinity (default: spectral clustering with scikit-learn's semantics, the paper's method)")
            .With(affinity, clusters, output, method, restarts, assignLabels, seed, solver, maxMemory);
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
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
            var estimate = ClusterEstimate.Estimate(n, entries, sparse, counts.Max(), options.AssignLabels, options.Solver);
            parse.Err().WriteLine($"estimate: {estimate}");
            MemoryBudget.Check(estimate, budget, ClusterEstimate.LargestFitting(n, entries, sparse, budget, options.AssignLabels), affinityPath);
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            options = options with
            {
                EigenProgress = reporter.For<EigenProgress>(p => new("eigensolver", (double)p.Converged / p.Wanted,
                    $"iteration {p.Iteration}: {p.Converged:N0} of {p.Wanted:N0} eigenpairs converged, filter degree {p.FilterDegree}")),
            };
            var run = await AffinityClustering.RunAsync(parse.GetValue(affinity)!, counts, sweep, parse.GetValue(output)!, options, cancellation);
            foreach (var warning in run.Warnings) parse.Err().WriteLine($"warning: {warning}");
            reporter.Result(new { Command = "cluster", run.Method, run.Samples, ClusterCounts = counts, run.Warnings, Output = run.LabelsPath },
                () => parse.Out().WriteLine($"clustered {run.Samples} samples into k = {string.Join(", ", counts)} ({run.Method}): {run.LabelsPath}"));
            return 0;
        });
        return command;
    }
}
