using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tests.Common;

public static class TestThreads
{
    /// <summary>Runs <paramref name="work"/> on a new OS thread whose libtorch calls use <paramref name="threads"/> threads.</summary>
    public static Task<T> OnThreadWith<T>(int threads, Func<T> work)
    {
        var result = new TaskCompletionSource<T>();
        var thread = new Thread(() =>
        {
            try
            {
                using var scope = TorchThreads.OnThisThread(threads);
                result.SetResult(work());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        thread.Start();
        return result.Task;
    }
}
