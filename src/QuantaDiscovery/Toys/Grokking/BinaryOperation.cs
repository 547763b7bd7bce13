using QuantaDiscovery.Common;
namespace QuantaDiscovery.Toys.Grokking;

/// <summary>
/// The binary-operation tables of Power et al., "Grokking: Generalization beyond overfitting on small
/// algorithmic datasets" (2022), Table/Appendix A.1. Every equation "x ∘ y = z" is one example; the
/// model sees the operand tokens and predicts the result token.
/// </summary>
public enum BinaryOperation
{
    /// <summary>x + y (mod p)</summary>
    Add,
    /// <summary>x − y (mod p)</summary>
    Subtract,
    /// <summary>x · y (mod p)</summary>
    Multiply,
    /// <summary>x / y (mod p) = x · y^(p−2) (Fermat), with y ≠ 0</summary>
    Divide,
    /// <summary>x² + y² (mod p)</summary>
    SumOfSquares,
    /// <summary>x² + xy + y² (mod p)</summary>
    QuadraticForm,
    /// <summary>x³ + xy (mod p)</summary>
    CubePlusProduct,
    /// <summary>x / y (mod p) if y is odd, else x − y (mod p); y ≠ 0</summary>
    DivideIfOddElseSubtract,
    /// <summary>composition of permutations of 5 elements, a ∘ b (apply b, then a); 120 × 120 table</summary>
    S5Composition,
}

/// <summary>A full operation table: operand pairs (Left[i], Right[i]) with results Result[i], over a vocabulary of Classes tokens.</summary>
/// <param name="Operation">the operation</param>
/// <param name="Modulus">p for the modular operations; 120 (the order of S5) for S5</param>
/// <param name="Classes">number of distinct operand and result tokens</param>
public sealed record OperationTable(BinaryOperation Operation, int Modulus, int Classes, int[] Left, int[] Right, int[] Result)
{
    public int Count => Result.Length;
}

public static class BinaryOperations
{
    /// <summary>ASCII names accepted on the command line, in the order of <see cref="BinaryOperation"/>.</summary>
    public static IReadOnlyDictionary<string, BinaryOperation> ByName { get; } = new Dictionary<string, BinaryOperation>
    {
        ["x+y"] = BinaryOperation.Add,
        ["x-y"] = BinaryOperation.Subtract,
        ["x*y"] = BinaryOperation.Multiply,
        ["x/y"] = BinaryOperation.Divide,
        ["x^2+y^2"] = BinaryOperation.SumOfSquares,
        ["x^2+xy+y^2"] = BinaryOperation.QuadraticForm,
        ["x^3+xy"] = BinaryOperation.CubePlusProduct,
        ["x/y_if_odd_else_x-y"] = BinaryOperation.DivideIfOddElseSubtract,
        ["s5"] = BinaryOperation.S5Composition,
    };

    public static BinaryOperation Parse(string name) =>
        ByName.TryGetValue(name.Trim().ToLowerInvariant(), out var operation)
            ? operation
            : throw new InputException($"unknown task '{name}'; expected one of: {string.Join(", ", ByName.Keys)}");

    public static string Name(BinaryOperation operation) => ByName.First(pair => pair.Value == operation).Key;

    /// <summary>
    /// Every equation of the table. For modular operations p must be prime (division needs inverses);
    /// division-type operations skip y = 0, as in Power et al. For S5 the modulus is ignored.
    /// </summary>
    public static OperationTable Table(BinaryOperation operation, int modulus)
    {
        if (operation == BinaryOperation.S5Composition)
            return S5Table();
        if (modulus < 2 || !IsPrime(modulus))
            throw InputException.Invalid(nameof(modulus), modulus, "p must be a prime ≥ 2");

        var left = new List<int>();
        var right = new List<int>();
        var result = new List<int>();
        long p = modulus;
        bool divides = operation is BinaryOperation.Divide or BinaryOperation.DivideIfOddElseSubtract;
        for (long x = 0; x < p; x++)
        for (long y = divides ? 1 : 0; y < p; y++)
        {
            long z = operation switch
            {
                BinaryOperation.Add => x + y,
                BinaryOperation.Subtract => x - y,
                BinaryOperation.Multiply => x * y,
                BinaryOperation.Divide => x * ModularInverse(y, p),
                BinaryOperation.SumOfSquares => x * x + y * y,
                BinaryOperation.QuadraticForm => x * x + x * y + y * y,
                BinaryOperation.CubePlusProduct => x * x % p * x + x * y,
                BinaryOperation.DivideIfOddElseSubtract => y % 2 == 1 ? x * ModularInverse(y, p) : x - y,
                _ => throw new ArgumentOutOfRangeException(nameof(operation)),
            };
            left.Add((int)x);
            right.Add((int)y);
            result.Add((int)(((z % p) + p) % p));
        }
        return new OperationTable(operation, modulus, modulus, [.. left], [.. right], [.. result]);
    }

    /// <summary>y^(p−2) mod p, the inverse of y modulo a prime p (Fermat's little theorem).</summary>
    public static long ModularInverse(long y, long p)
    {
        if (y % p == 0)
            throw new ArgumentOutOfRangeException(nameof(y), "0 has no inverse");
        long result = 1, power = ((y % p) + p) % p;
        for (long e = p - 2; e > 0; e >>= 1, power = power * power % p)
            if ((e & 1) == 1)
                result = result * power % p;
        return result;
    }

    /// <summary>The 120 permutations of {0,…,4} in lexicographic order; token i is permutation i.</summary>
    public static int[][] S5Permutations()
    {
        var permutations = new List<int[]>();
        Permute([0, 1, 2, 3, 4], 0, permutations);
        permutations.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return [.. permutations];

        static void Permute(int[] items, int start, List<int[]> output)
        {
            if (start == items.Length)
            {
                output.Add((int[])items.Clone());
                return;
            }
            for (int i = start; i < items.Length; i++)
            {
                (items[start], items[i]) = (items[i], items[start]);
                Permute(items, start + 1, output);
                (items[start], items[i]) = (items[i], items[start]);
            }
        }
    }

    private static OperationTable S5Table()
    {
        var permutations = S5Permutations();
        var index = permutations.Select((permutation, i) => (Key: Key(permutation), i)).ToDictionary(e => e.Key, e => e.i);
        int n = permutations.Length;
        var left = new int[n * n];
        var right = new int[n * n];
        var result = new int[n * n];
        var composed = new int[5];
        for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < 5; i++)
                composed[i] = permutations[a][permutations[b][i]];
            int k = a * n + b;
            (left[k], right[k], result[k]) = (a, b, index[Key(composed)]);
        }
        return new OperationTable(BinaryOperation.S5Composition, n, n, left, right, result);

        static int Key(int[] permutation) => permutation.Aggregate(0, (acc, v) => acc * 5 + v);
    }

    private static bool IsPrime(int n)
    {
        for (int d = 2; d * d <= n; d++)
            if (n % d == 0)
                return false;
        return n >= 2;
    }
}
