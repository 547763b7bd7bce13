using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Common;

/// <summary>The memory cap shared by the commands that check their estimate against it (<see cref="MemoryBudget"/>).</summary>
public static class MemorySettings
{
    public static readonly StageSetting MaxMemory = new("max-memory", SettingKind.Text, "memory the step may use (e.g. 20G); default: what the machine has available");
}
