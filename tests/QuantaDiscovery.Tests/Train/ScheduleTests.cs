using QuantaDiscovery.Common;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Tests.Train;

public class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]    // warmup: (step + 1)/W of the peak
    [InlineData(4, 0.5)]
    [InlineData(9, 1.0)]    // last warmup update reaches the peak
    [InlineData(10, 1.0)]   // cosine starts at the peak
    [InlineData(55, 0.55)]  // halfway: floor + (peak − floor)/2 = 0.1 + 0.45
    [InlineData(100, 0.1)]  // the floor, 0.1 × the peak
    public void Learning_rate_warms_up_linearly_then_decays_by_cosine_to_the_floor(int step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.At(step, peak: 1.0, warmupSteps: 10, totalSteps: 100, minRatio: 0.1), 12);

    [Fact]
    public void Learning_rate_never_rises_after_warmup()
    {
        var rates = Enumerable.Range(10, 91).Select(s => LearningRateSchedule.At(s, 3e-3, 10, 100, 0.1)).ToList();
        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second <= pair.First));
    }

    [Fact]
    public void Pythia_schedule_at_Pythias_length_gives_its_154_checkpoints()
    {
        // Pythia: step 0, 1, 2, 4, …, 512, then every 1,000 steps to 143,000 (Biderman et al. 2023, section 2.2).
        var steps = CheckpointSchedule.Pythia(143_000, evenlySpaced: 143);
        Assert.Equal(154, steps.Count);
        Assert.Equal([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000], steps.Take(13));
        Assert.Equal(143_000, steps[^1]);
    }

    [Fact]
    public void Pythia_schedule_for_a_short_run_has_powers_of_two_then_ten_even_steps()
    {
        Assert.Equal([0, 1, 2, 4, 8, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], CheckpointSchedule.Pythia(100));
        Assert.Equal([0, 1, 2, 4, 8, 16, 24, 48, 72, 96, 120, 144, 168, 192, 216, 240], CheckpointSchedule.Pythia(240));
    }

    [Fact]
    public void Checkpoint_list_always_includes_the_final_step_and_rejects_steps_out_of_range()
    {
        Assert.Equal([0, 5, 10], CheckpointSchedule.Parse("5, 0", 10));
        Assert.Throws<InputException>(() => CheckpointSchedule.Parse("11", 10));
        Assert.Throws<InputException>(() => CheckpointSchedule.Parse("five", 10));
    }
}
