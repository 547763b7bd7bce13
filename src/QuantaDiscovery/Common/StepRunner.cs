namespace QuantaDiscovery.Common;

/// <summary>
/// Runs the steps of a computation whose steps all write into one folder (quanta discovery: select → gradients →
/// similarity → cluster → browse). Each step names what it depends on — earlier steps and the computation's inputs —
/// and the settings that change its files, so a runner may reuse a step's files from an earlier run with the same of
/// both (the pipeline's <c>CachedSteps</c>), or compute every step in place (<see cref="InPlaceSteps"/>).
/// A step writes only new file names: it never rewrites an earlier step's file.
/// </summary>
public interface IStepRunner
{
    /// <param name="step">the step's name, unique within the computation</param>
    /// <param name="settings">every setting that changes the step's files (serialised to JSON for a cache key)</param>
    /// <param name="dependsOn">names of earlier steps and of the computation's inputs whose content the step reads</param>
    /// <param name="compute">writes the step's files into the folder it is given, which holds the earlier steps' files</param>
    /// <returns>true when the step was computed, false when its files were reused</returns>
    Task<bool> RunAsync(string step, object settings, IReadOnlyList<string> dependsOn, Func<string, Task> compute);
}

/// <summary>Computes every step into one folder, reusing nothing.</summary>
public sealed class InPlaceSteps(string folder) : IStepRunner
{
    public async Task<bool> RunAsync(string step, object settings, IReadOnlyList<string> dependsOn, Func<string, Task> compute)
    {
        await compute(folder);
        return true;
    }
}
