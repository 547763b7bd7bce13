using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tests.Common;

public class MachineFaultTests
{
    /// <summary>A real "No space left on device" from the operating system (Linux): every write to /dev/full fails with ENOSPC.</summary>
    private static IOException DiskFullError()
    {
        return Assert.ThrowsAny<IOException>(() =>
        {
            using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            stream.Write(new byte[1 << 16]);
            stream.Flush();
        });
    }

    [Fact]
    public void AFullDisk_IsDescribedInOneLine()
    {
        var description = MachineFault.Describe(DiskFullError());
        Assert.NotNull(description);
        Assert.StartsWith("the disk is full", description);
        Assert.DoesNotContain('\n', description);
    }

    [Fact]
    public void AFullDiskInsideAnotherException_IsFound()
    {
        var error = DiskFullError();
        Assert.NotNull(MachineFault.Describe(new AggregateException(new InvalidOperationException("writing a block", error))));
    }

    [Fact]
    public void OtherFailures_AreNotMachineFaults()
    {
        Assert.Null(MachineFault.Describe(new IOException("The process cannot access the file because it is being used")));
        Assert.Null(MachineFault.Describe(new InvalidOperationException("a bug")));
        Assert.Null(MachineFault.Describe(new InputException("bad row", "t.csv", line: 3)));
    }
}
