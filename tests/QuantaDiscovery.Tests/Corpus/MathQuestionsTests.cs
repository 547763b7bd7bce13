using System.Text.RegularExpressions;
using QuantaDiscovery.Corpus;

namespace QuantaDiscovery.Tests.Corpus;

public class MathQuestionsTests
{
    [Fact]
    public void TheSameSeedGivesTheSameDocumentsAndAnotherSeedOthers()
    {
        Assert.Equal(new MathQuestions(7).Document(50), new MathQuestions(7).Document(50));
        Assert.NotEqual(new MathQuestions(7).Document(50), new MathQuestions(8).Document(50));
    }

    [Fact]
    public void ADocumentIsQuestionAndAnswerLinesDrawnFromEveryModule()
    {
        var generator = new MathQuestions(1);
        var modules = Enumerable.Range(0, 2000).Select(_ => generator.Next().Module).ToHashSet();
        Assert.Equal(MathQuestions.Modules.ToHashSet(), modules);
        var lines = new MathQuestions(2).Document(30).Split('\n');
        Assert.Equal(61, lines.Length);   // 30 pairs and the final newline
        Assert.Equal("", lines[^1]);
    }

    private static long L(string s) => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every answer recomputed from its question text alone, independently of the generator's arithmetic.</summary>
    [Fact]
    public void EveryAnswerIsRightWhenRecomputedFromTheQuestionText()
    {
        var generator = new MathQuestions(3);
        int checkedCount = 0;
        for (int i = 0; i < 3000; i++)
        {
            var q = generator.Next();
            var numbers = Regex.Matches(q.Question, @"-?\d+").Select(m => L(m.Value)).ToArray();
            string? expected = q.Module switch
            {
                "arithmetic__add_or_sub" when q.Question.StartsWith("Subtract") => (numbers[1] - numbers[0]).ToString(),
                "arithmetic__add_or_sub" when q.Question.Contains(" - ") => (numbers[0] - numbers[1]).ToString(),
                "arithmetic__add_or_sub" => (numbers[0] + numbers[1]).ToString(),
                "arithmetic__mul" => (numbers[0] * numbers[1]).ToString(),
                "arithmetic__div" => (numbers[0] / numbers[1]).ToString(),
                "numbers__is_prime" => Enumerable.Range(2, (int)Math.Max(0, Math.Sqrt(numbers[0]) - 1)).All(d => numbers[0] % d != 0) ? "True" : "False",
                "measurement__conversion" => null,
                _ => null,
            };
            if (q.Module == "numbers__is_prime" && numbers[0] < 2) expected = "False";
            if (q.Module == "algebra__linear_1d")
            {
                // Solve a*x ± b = c: substitute the answer back.
                var m = Regex.Match(q.Question, @"Solve (-?\d+)\*\w ([+-]) (\d+) = (-?\d+) for");
                long a = L(m.Groups[1].Value), b = L(m.Groups[3].Value) * (m.Groups[2].Value == "-" ? -1 : 1), c = L(m.Groups[4].Value);
                Assert.Equal(c, a * L(q.Answer) + b);
                checkedCount++;
            }
            if (q.Module == "comparison__sort")
            {
                var values = Regex.Matches(q.Question, @"-?\d+").Select(m => L(m.Value)).ToArray();
                var sorted = q.Question.Contains("increasing") ? values.Order() : values.OrderDescending();
                Assert.Equal(string.Join(", ", sorted), q.Answer);
                checkedCount++;
            }
            if (expected is not null)
            {
                Assert.Equal(expected, q.Answer);
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 1000, $"only {checkedCount} answers were checked");
    }

    [Fact]
    public void PolynomialsAreWrittenAsTheDatasetWritesThem()
    {
        Assert.Equal("3*x**2 - x + 5", MathQuestions.Polynomial([5, -1, 3], "x"));
        Assert.Equal("-x**3 + 2", MathQuestions.Polynomial([2, 0, 0, -1], "x"));
        Assert.Equal("0", MathQuestions.Polynomial([0, 0], "x"));
    }

    [Fact]
    public void DerivativesAndValuesAreExact()
    {
        var generator = new MathQuestions(5);
        for (int i = 0; i < 200; i++)
        {
            var q = generator.Generate("polynomials__evaluate");
            var m = Regex.Match(q.Question, @"Let \w\((\w)\) = (.+)\. What is \w\((-?\d+)\)\?");
            var value = Evaluate(m.Groups[2].Value, m.Groups[1].Value, L(m.Groups[3].Value));
            Assert.Equal(value.ToString(), q.Answer);
        }
    }

    /// <summary>Evaluates "3*x**2 - x + 5" at x, term by term.</summary>
    private static long Evaluate(string polynomial, string x, long at)
    {
        long total = 0;
        foreach (Match term in Regex.Matches(polynomial.Replace(" ", ""), @"([+-]?)(\d*)\*?(" + x + @")?(?:\*\*(\d+))?"))
        {
            if (term.Length == 0) continue;
            long sign = term.Groups[1].Value == "-" ? -1 : 1;
            long coefficient = term.Groups[2].Value.Length > 0 ? L(term.Groups[2].Value) : 1;
            int power = term.Groups[3].Success ? (term.Groups[4].Success ? int.Parse(term.Groups[4].Value) : 1) : 0;
            total += sign * coefficient * (long)Math.Pow(at, power);
        }
        return total;
    }
}
