using QuantaDiscovery.Select;

namespace QuantaDiscovery.Tests.Select;

public class InductionFilterTests
{
    [Fact]
    public void RepeatedTrigramIsInductionFromItsSecondOccurrenceOn()
    {
        //            0  1  2  3  4  5  6  7
        int[] tokens = [5, 6, 7, 8, 5, 6, 7, 9];
        // (5,6,7) ends at 2 and again at 6; no other trigram repeats.
        Assert.Equal([false, false, false, false, false, false, true, false], InductionFilter.InductionPositions(tokens));
    }

    [Fact]
    public void OverlappingRunsCountAndBigramsAloneDoNot()
    {
        // (1,1,1) ends at 2, 3, 4; the bigram (2,3) repeats but its trigrams (2,3,4) and (2,3,5) differ.
        int[] tokens = [1, 1, 1, 1, 1, 2, 3, 4, 2, 3, 5];
        var expected = new bool[tokens.Length];
        expected[3] = expected[4] = true;
        Assert.Equal(expected, InductionFilter.InductionPositions(tokens));
    }

    [Fact]
    public void AgreesWithTheDefinitionOnRandomDocuments()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            var tokens = Enumerable.Range(0, 60).Select(_ => random.Next(4)).ToArray();
            var flags = InductionFilter.InductionPositions(tokens);
            for (int j = 0; j < tokens.Length; j++)
            {
                bool earlier = j >= 2 && Enumerable.Range(2, j - 2).Any(k =>
                    tokens[k - 2] == tokens[j - 2] && tokens[k - 1] == tokens[j - 1] && tokens[k] == tokens[j]);
                Assert.Equal(earlier, flags[j]);
            }
        }
    }

    [Fact]
    public void ShortDocumentsHaveNoInductionTokens()
    {
        Assert.Empty(InductionFilter.InductionPositions([]));
        Assert.Equal([false, false], InductionFilter.InductionPositions([4, 4]));
    }
}
