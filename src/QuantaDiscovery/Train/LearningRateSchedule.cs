namespace QuantaDiscovery.Train;

/// <summary>
/// Linear warmup then cosine decay to a floor, GPT-NeoX's "cosine" schedule as Pythia used it
/// (Biderman et al. 2023, "Pythia", appendix E: warmup over 1% of training, decay to 0.1 × the peak).
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// The learning rate of update <paramref name="step"/> (0-based, so the first update uses step 0):
    /// η·(step+1)/W during the W warmup updates, then η_min + (η − η_min)·½(1 + cos(π·p)) with
    /// p = (step − W)/(N − W) going from 0 to 1 over the remaining updates, η_min = minRatio·η.
    /// </summary>
    public static double At(int step, double peak, int warmupSteps, int totalSteps, double minRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (step < warmupSteps)
            return peak * (step + 1) / warmupSteps;
        double minimum = minRatio * peak;
        double progress = totalSteps > warmupSteps ? Math.Min(1.0, (double)(step - warmupSteps) / (totalSteps - warmupSteps)) : 1.0;
        return minimum + (peak - minimum) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
