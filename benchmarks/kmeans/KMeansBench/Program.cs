using System.Diagnostics;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

// Usage: KMeansBench ours|mlnet|mlnet-plusplus POINTS.npy K N_INIT SEED LABELS_OUT.npy
// Prints "<seconds of Fit alone> <inertia>"; peak memory is measured around the process by run.sh.
if (args.Length != 6) { Console.Error.WriteLine("usage: KMeansBench ours|mlnet|mlnet-plusplus POINTS.npy K N_INIT SEED LABELS_OUT.npy"); return 2; }
var points = Npy.Read<float>(args[1]);
int k = int.Parse(args[2]);
var options = new KMeansOptions { Restarts = int.Parse(args[3]), Seed = int.Parse(args[4]) };
var clock = Stopwatch.StartNew();
var result = args[0] switch
{
    "ours" => KMeans.Fit(points.Data, points.Rows, points.Columns, k, options),
    "mlnet" => MlNetKMeans.Fit(points.Data, points.Rows, points.Columns, k, options),
    "mlnet-plusplus" => MlNetKMeans.Fit(points.Data, points.Rows, points.Columns, k, options,
        Microsoft.ML.Trainers.KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus),
    _ => throw new ArgumentException($"unknown implementation {args[0]}"),
};
double seconds = clock.Elapsed.TotalSeconds;
Npy.Write<int>(args[5], result.Labels, result.Labels.Length);
Console.WriteLine($"{seconds:F2} {result.Inertia:G8}");
return 0;
