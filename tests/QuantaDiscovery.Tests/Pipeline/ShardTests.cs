using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Tests.Pipeline;

public class ShardTests
{
    [Theory]
    [InlineData(7, 3)]
    [InlineData(2, 5)]
    [InlineData(200_000, 64)]
    public void BlocksAreContiguousDisjointAndCoverEveryDocument(long total, int count)
    {
        long next = 0;
        for (int i = 0; i < count; i++)
        {
            var (start, end) = new Shard(i, count).Block(total);
            Assert.Equal(next, start);
            Assert.InRange(end - start, total / count, total / count + 1);
            next = end;
        }
        Assert.Equal(total, next);
    }

    [Fact]
    public void ParsesAndNamesShards()
    {
        Assert.Equal(new Shard(2, 4), Shard.Parse("2/4"));
        Assert.True(Shard.TryParseFolderName(new Shard(2, 4).FolderName, out var shard));
        Assert.Equal(new Shard(2, 4), shard);
        Assert.Throws<FormatException>(() => Shard.Parse("4/4"));
        Assert.Throws<FormatException>(() => Shard.Parse("1-4"));
        Assert.Throws<FormatException>(() => Shard.Parse("0/0"));
    }
}
