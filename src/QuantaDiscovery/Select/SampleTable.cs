using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Select;

/// <summary>One chosen token: row <see cref="Sample"/> of samples.parquet and of gradients.npy.</summary>
/// <param name="Context">the decoded last ≤ 100 tokens before the target</param>
/// <param name="Target">the decoded target token</param>
public sealed record TokenSample(int Sample, long Doc, int Pos, int Token, float Loss, string? Set, string Context, string Target);

/// <summary>
/// samples.parquet: columns sample (int32), doc (int64), pos (int32), token (int32), loss (float32), set (string,
/// when the loss table has it), context (string), target (string). It is also a token table, so
/// <see cref="TokenTableReader"/> opens it.
/// </summary>
public static class SampleTable
{
    public const string FileName = "samples.parquet";

    public static async Task WriteAsync(string path, IReadOnlyList<TokenSample> samples, bool hasSet)
    {
        var sample = new DataField<int>("sample");
        var doc = new DataField<long>(TokenTableSchema.DocColumn);
        var pos = new DataField<int>(TokenTableSchema.PosColumn);
        var token = new DataField<int>(TokenTableSchema.TokenColumn);
        var loss = new DataField<float>(TokenTableSchema.SingleLossColumn);
        var set = new DataField<string>(TokenTableSchema.SetColumn);
        var context = new DataField<string>("context");
        var target = new DataField<string>("target");
        var schema = new ParquetSchema(hasSet ? [sample, doc, pos, token, loss, set, context, target] : [sample, doc, pos, token, loss, context, target]);

        using var published = new PublishedFile(path);
        await WriteAsync(published.TemporaryPath, schema, async rowGroup =>
        {
            async Task Write<T>(DataField<T> field, Func<TokenSample, T> value) where T : struct =>
                await rowGroup.WriteAsync(field, (ReadOnlyMemory<T>)samples.Select(value).ToArray());
            async Task WriteStrings(DataField<string> field, Func<TokenSample, string?> value) =>
                await rowGroup.WriteAsync(field, new ArraySegment<string>(samples.Select(value).ToArray()!));
            await Write(sample, s => s.Sample);
            await Write(doc, s => s.Doc);
            await Write(pos, s => s.Pos);
            await Write(token, s => s.Token);
            await Write(loss, s => s.Loss);
            if (hasSet) await WriteStrings(set, s => s.Set);
            await WriteStrings(context, s => s.Context);
            await WriteStrings(target, s => s.Target);
        });
        published.Complete();
    }

    private static async Task WriteAsync(string path, ParquetSchema schema, Func<ParquetRowGroupWriter, Task> writeColumns)
    {
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        using var rowGroup = writer.CreateRowGroup();
        await writeColumns(rowGroup);
        rowGroup.CompleteValidate();
    }

    /// <summary>Reads samples.parquet; the sample column must be 0, 1, …, n−1 in order (row i is gradient row i).</summary>
    public static async Task<IReadOnlyList<TokenSample>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await TokenTableReader.OpenAsync(path, cancellationToken);
        var sample = await reader.ReadColumnAsync<int>("sample", cancellationToken);
        var doc = await reader.ReadColumnAsync<long>(TokenTableSchema.DocColumn, cancellationToken);
        var pos = await reader.ReadColumnAsync<int>(TokenTableSchema.PosColumn, cancellationToken);
        var token = await reader.ReadColumnAsync<int>(TokenTableSchema.TokenColumn, cancellationToken);
        var loss = await reader.ReadColumnAsync<float>(TokenTableSchema.SingleLossColumn, cancellationToken);
        var set = reader.HasSet ? await reader.ReadColumnAsync<string?>(TokenTableSchema.SetColumn, cancellationToken) : null;
        var context = await reader.ReadColumnAsync<string?>("context", cancellationToken);
        var target = await reader.ReadColumnAsync<string?>("target", cancellationToken);
        var samples = new TokenSample[sample.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            if (sample[i] != i)
                throw new InputException($"row {i} has sample {sample[i]}; samples must be numbered 0, 1, … in order", path);
            samples[i] = new TokenSample(i, doc[i], pos[i], token[i], loss[i], set?[i], context[i] ?? "", target[i] ?? "");
        }
        return samples;
    }
}
