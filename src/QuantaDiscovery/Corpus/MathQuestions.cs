using System.Globalization;
using System.Text;

namespace QuantaDiscovery.Corpus;

/// <summary>One generated question and its answer, tagged with the module it comes from.</summary>
public sealed record MathQuestion(string Module, string Question, string Answer);

/// <summary>
/// Question–answer arithmetic in the style of DeepMind's Mathematics dataset (Saxton et al. 2019, "Analysing
/// Mathematical Reasoning Abilities of Neural Models"), the Pile's "DM Mathematics" set: each document is a run of
/// "question\nanswer\n" pairs drawn from several modules (arithmetic, linear equations, divisibility, primality,
/// place value, sorting, comparison, polynomial evaluation, differentiation, rounding, unit conversion).
/// Deterministic for a seed; the answers are computed exactly (integers and <see cref="long"/> only).
/// </summary>
public sealed class MathQuestions
{
    private readonly Random random;

    public MathQuestions(int seed) => random = new Random(seed);

    public static IReadOnlyList<string> Modules { get; } =
    [
        "arithmetic__add_or_sub", "arithmetic__mul", "arithmetic__div", "algebra__linear_1d", "numbers__gcd",
        "numbers__is_prime", "numbers__place_value", "comparison__sort", "comparison__pair", "polynomials__evaluate",
        "calculus__differentiate", "numbers__round", "measurement__conversion",
    ];

    /// <summary>A document of <paramref name="pairs"/> question–answer pairs, each on two lines.</summary>
    public string Document(int pairs)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pairs; i++)
        {
            var q = Next();
            text.Append(q.Question).Append('\n').Append(q.Answer).Append('\n');
        }
        return text.ToString();
    }

    public MathQuestion Next() => Generate(Modules[random.Next(Modules.Count)]);

    public MathQuestion Generate(string module) => module switch
    {
        "arithmetic__add_or_sub" => AddOrSub(),
        "arithmetic__mul" => Mul(),
        "arithmetic__div" => Div(),
        "algebra__linear_1d" => Linear1d(),
        "numbers__gcd" => Gcd(),
        "numbers__is_prime" => IsPrime(),
        "numbers__place_value" => PlaceValue(),
        "comparison__sort" => Sort(),
        "comparison__pair" => Pair(),
        "polynomials__evaluate" => Evaluate(),
        "calculus__differentiate" => Differentiate(),
        "numbers__round" => Round(),
        "measurement__conversion" => Conversion(),
        _ => throw new ArgumentOutOfRangeException(nameof(module), module, "unknown module"),
    };

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private long Int(long magnitude) => random.NextInt64(-magnitude, magnitude + 1);

    private string Variable() => ((char)('a' + random.Next(26))).ToString();

    private T Pick<T>(params T[] options) => options[random.Next(options.Length)];

    private MathQuestion AddOrSub()
    {
        long a = Int(Pick(100L, 10_000L, 1_000_000L)), b = Int(Pick(100L, 10_000L, 1_000_000L));
        var subtract = random.Next(2) == 0;
        var answer = subtract ? a - b : a + b;
        var question = (subtract, random.Next(3)) switch
        {
            (false, 0) => $"What is {N(a)} + {N(b)}?",
            (false, 1) => $"Add {N(a)} and {N(b)}.",
            (false, _) => $"Calculate {N(a)} + {N(b)}.",
            (true, 0) => $"What is {N(a)} - {N(b)}?",
            (true, 1) => $"Subtract {N(b)} from {N(a)}.",
            (true, _) => $"Calculate {N(a)} - {N(b)}.",
        };
        return new("arithmetic__add_or_sub", question, N(answer));
    }

    private MathQuestion Mul()
    {
        long a = Int(Pick(12L, 100L, 1000L)), b = Int(Pick(12L, 100L));
        var question = random.Next(3) switch
        {
            0 => $"What is {N(a)} times {N(b)}?",
            1 => $"Multiply {N(a)} and {N(b)}.",
            _ => $"Calculate {N(a)}*{N(b)}.",
        };
        return new("arithmetic__mul", question, N(a * b));
    }

    private MathQuestion Div()
    {
        long divisor = NonZero(50), quotient = Int(200);
        var dividend = divisor * quotient;
        var question = random.Next(3) switch
        {
            0 => $"What is {N(dividend)} divided by {N(divisor)}?",
            1 => $"Divide {N(dividend)} by {N(divisor)}.",
            _ => $"Calculate {N(dividend)}/{N(divisor)}.",
        };
        return new("arithmetic__div", question, N(quotient));
    }

    private long NonZero(long magnitude)
    {
        long v;
        do v = Int(magnitude); while (v == 0);
        return v;
    }

    private MathQuestion Linear1d()
    {
        var x = Variable();
        long solution = Int(20), a = NonZero(30), b = Int(100);
        var c = a * solution + b;
        var lhs = $"{N(a)}*{x}" + (b >= 0 ? $" + {N(b)}" : $" - {N(-b)}");
        return new("algebra__linear_1d", $"Solve {lhs} = {N(c)} for {x}.", N(solution));
    }

    private MathQuestion Gcd()
    {
        long g = random.NextInt64(1, 60), a = g * random.NextInt64(1, 80), b = g * random.NextInt64(1, 80);
        var question = random.Next(2) == 0
            ? $"What is the greatest common divisor of {N(a)} and {N(b)}?"
            : $"Calculate the highest common factor of {N(a)} and {N(b)}.";
        return new("numbers__gcd", question, N(GreatestCommonDivisor(a, b)));
    }

    public static long GreatestCommonDivisor(long a, long b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    private MathQuestion IsPrime()
    {
        var n = random.NextInt64(2, 100_000);
        var question = random.Next(2) == 0 ? $"Is {N(n)} a prime number?" : $"Is {N(n)} prime?";
        return new("numbers__is_prime", question, Prime(n) ? "True" : "False");
    }

    public static bool Prime(long n)
    {
        if (n < 2) return false;
        for (long d = 2; d * d <= n; d++)
            if (n % d == 0) return false;
        return true;
    }

    private static readonly string[] PlaceNames = ["units", "tens", "hundreds", "thousands", "ten thousands"];

    private MathQuestion PlaceValue()
    {
        var n = random.NextInt64(10, 1_000_000);
        var digits = N(n).Length;
        var place = random.Next(Math.Min(digits, PlaceNames.Length));
        var digit = n / (long)Math.Pow(10, place) % 10;
        return new("numbers__place_value", $"What is the {PlaceNames[place]} digit of {N(n)}?", N(digit));
    }

    private MathQuestion Sort()
    {
        var values = Enumerable.Range(0, random.Next(3, 7)).Select(_ => Int(100)).Distinct().ToArray();
        var ascending = random.Next(2) == 0;
        var sorted = ascending ? values.Order().ToArray() : values.OrderDescending().ToArray();
        var list = string.Join(", ", values.Select(N));
        var question = $"Sort {list} in {(ascending ? "increasing" : "decreasing")} order.";
        return new("comparison__sort", question, string.Join(", ", sorted.Select(N)));
    }

    private MathQuestion Pair()
    {
        long a = Int(1000), b;
        do b = Int(1000); while (b == a);
        return random.Next(3) switch
        {
            0 => new("comparison__pair", $"Which is bigger: {N(a)} or {N(b)}?", N(Math.Max(a, b))),
            1 => new("comparison__pair", $"Which is smaller: {N(a)} or {N(b)}?", N(Math.Min(a, b))),
            _ => new("comparison__pair", $"Is {N(a)} less than {N(b)}?", a < b ? "True" : "False"),
        };
    }

    /// <summary>A polynomial with small integer coefficients, highest power first, written as the dataset does.</summary>
    private long[] Coefficients(int degree)
    {
        var c = new long[degree + 1];
        for (var i = 0; i <= degree; i++) c[i] = Int(9);
        if (c[degree] == 0) c[degree] = 1;
        return c;
    }

    public static string Polynomial(IReadOnlyList<long> coefficients, string x)
    {
        var terms = new StringBuilder();
        for (var power = coefficients.Count - 1; power >= 0; power--)
        {
            var c = coefficients[power];
            if (c == 0) continue;
            var magnitude = Math.Abs(c);
            var body = power switch
            {
                0 => N(magnitude),
                1 => magnitude == 1 ? x : $"{N(magnitude)}*{x}",
                _ => magnitude == 1 ? $"{x}**{power}" : $"{N(magnitude)}*{x}**{power}",
            };
            if (terms.Length == 0) terms.Append(c < 0 ? "-" : "").Append(body);
            else terms.Append(c < 0 ? " - " : " + ").Append(body);
        }
        return terms.Length == 0 ? "0" : terms.ToString();
    }

    private MathQuestion Evaluate()
    {
        var x = Variable();
        var c = Coefficients(random.Next(1, 4));
        var at = Int(10);
        long value = 0;
        for (var power = c.Length - 1; power >= 0; power--) value = value * at + c[power];
        var f = Pick("f", "g", "h", "k");
        return new("polynomials__evaluate", $"Let {f}({x}) = {Polynomial(c, x)}. What is {f}({N(at)})?", N(value));
    }

    private MathQuestion Differentiate()
    {
        var x = Variable();
        var c = Coefficients(random.Next(2, 5));
        var derivative = new long[c.Length - 1];
        for (var power = 1; power < c.Length; power++) derivative[power - 1] = power * c[power];
        return new("calculus__differentiate",
            $"Differentiate {Polynomial(c, x)} with respect to {x}.", Polynomial(derivative, x));
    }

    private MathQuestion Round()
    {
        var n = random.NextInt64(1000, 10_000_000);
        var (unit, name) = Pick((10L, "ten"), (100L, "one hundred"), (1000L, "one thousand"), (10_000L, "ten thousand"));
        var rounded = (n + unit / 2) / unit * unit;
        return new("numbers__round", $"Round {N(n)} to the nearest {name}.", N(rounded));
    }

    private static readonly (string Large, string Small, long Factor)[] Units =
    [
        ("hours", "minutes", 60), ("minutes", "seconds", 60), ("days", "hours", 24), ("weeks", "days", 7),
        ("kilometres", "metres", 1000), ("metres", "centimetres", 100), ("kilograms", "grams", 1000),
        ("litres", "millilitres", 1000), ("years", "months", 12), ("centuries", "years", 100),
    ];

    private MathQuestion Conversion()
    {
        var (large, small, factor) = Units[random.Next(Units.Length)];
        var amount = random.NextInt64(1, 100);
        return random.Next(2) == 0
            ? new("measurement__conversion", $"How many {small} are there in {N(amount)} {large}?", N(amount * factor))
            : new("measurement__conversion", $"Convert {N(amount * factor)} {small} to {large}.", N(amount));
    }
}
