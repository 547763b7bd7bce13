using QuantaDiscovery.Common;
using System.Numerics;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Tests.Toys;

public class BinaryOperationTests
{
    [Theory]
    [InlineData("x+y"), InlineData("x-y"), InlineData("x*y"), InlineData("x^2+y^2"), InlineData("x^2+xy+y^2"), InlineData("x^3+xy")]
    public void Polynomial_tables_cover_every_pair_with_the_right_result(string name)
    {
        const int p = 23;
        var table = BinaryOperations.Table(BinaryOperations.Parse(name), p);
        Assert.Equal(p * p, table.Count);
        Assert.Equal(p * p, table.Left.Zip(table.Right).Distinct().Count());
        for (int i = 0; i < table.Count; i++)
        {
            BigInteger x = table.Left[i], y = table.Right[i];
            BigInteger expected = name switch
            {
                "x+y" => x + y,
                "x-y" => x - y,
                "x*y" => x * y,
                "x^2+y^2" => x * x + y * y,
                "x^2+xy+y^2" => x * x + x * y + y * y,
                _ => x * x * x + x * y,
            };
            Assert.Equal((int)(((expected % p) + p) % p), table.Result[i]);
        }
    }

    [Fact]
    public void Division_multiplies_by_the_modular_inverse_and_skips_zero()
    {
        const int p = 31;
        var table = BinaryOperations.Table(BinaryOperation.Divide, p);
        Assert.Equal(p * (p - 1), table.Count);
        Assert.DoesNotContain(0, table.Right);
        for (int i = 0; i < table.Count; i++)
            Assert.Equal(table.Left[i], table.Result[i] * table.Right[i] % p); // z = x/y  ⇔  z·y ≡ x
        for (int y = 1; y < p; y++)
            Assert.Equal(1, BinaryOperations.ModularInverse(y, p) * y % p);
    }

    [Fact]
    public void Mixed_division_divides_for_odd_y_and_subtracts_for_even_y()
    {
        const int p = 23;
        var table = BinaryOperations.Table(BinaryOperation.DivideIfOddElseSubtract, p);
        Assert.Equal(p * (p - 1), table.Count);
        for (int i = 0; i < table.Count; i++)
        {
            int x = table.Left[i], y = table.Right[i], z = table.Result[i];
            if (y % 2 == 1)
                Assert.Equal(x, z * y % p);
            else
                Assert.Equal(((x - y) % p + p) % p, z);
        }
    }

    [Fact]
    public void S5_table_is_the_closed_120_by_120_composition_table()
    {
        var table = BinaryOperations.Table(BinaryOperation.S5Composition, 0);
        var permutations = BinaryOperations.S5Permutations();
        Assert.Equal(120, permutations.Length);
        Assert.Equal(120, permutations.Select(q => string.Join(",", q)).Distinct().Count());
        Assert.Equal(120 * 120, table.Count);
        Assert.All(table.Result, r => Assert.InRange(r, 0, 119));
        for (int i = 0; i < table.Count; i++)
        {
            int[] a = permutations[table.Left[i]], b = permutations[table.Right[i]], c = permutations[table.Result[i]];
            for (int e = 0; e < 5; e++)
                Assert.Equal(a[b[e]], c[e]);
        }
        // Token 0 is the identity (lexicographically first), so every row and column of 0 is the identity map.
        Assert.Equal([0, 1, 2, 3, 4], permutations[0]);
        // Composition is not commutative in S5.
        Assert.Contains(Enumerable.Range(0, table.Count), i => table.Result[i] != table.Result[table.Right[i] * 120 + table.Left[i]]);
    }

    [Fact]
    public void Bad_names_and_moduli_are_rejected()
    {
        Assert.Throws<InputException>(() => BinaryOperations.Parse("x%y"));
        Assert.Throws<InputException>(() => BinaryOperations.Table(BinaryOperation.Add, 24));
        Assert.Equal(BinaryOperation.DivideIfOddElseSubtract, BinaryOperations.Parse("x/y_if_odd_else_x-y"));
    }

    [Fact]
    public void Split_has_the_requested_sizes_partitions_the_table_and_is_seeded()
    {
        var table = BinaryOperations.Table(BinaryOperation.Add, 23);
        var split = GrokkingSplit.Create(table, 0.3, seed: 4);
        Assert.Equal((int)Math.Round(0.3 * 529), split.TrainIndices.Length);
        Assert.Equal(529, split.TrainIndices.Length + split.ValidationIndices.Length);
        Assert.Empty(split.TrainIndices.Intersect(split.ValidationIndices));
        Assert.Equal(split.TrainIndices, GrokkingSplit.Create(table, 0.3, seed: 4).TrainIndices);
        Assert.NotEqual(split.TrainIndices, GrokkingSplit.Create(table, 0.3, seed: 5).TrainIndices);
    }
}
