using Microsoft.ML;
using Microsoft.ML.Data;

namespace QuantaDiscovery.Tables;

/// <summary>One in-memory column of a <see cref="ColumnarDataView"/>: a name and an array of int32, int64, float32,
/// float64, bool or string values (a null string reads as empty text); with <paramref name="VectorSize"/> &gt; 0, a
/// float32 array of rows × VectorSize values read as a vector column, row-major.</summary>
internal sealed record DataViewColumn(string Name, Array Values, int VectorSize = 0)
{
    public int Rows => VectorSize > 0 ? Values.Length / VectorSize : Values.Length;

    public DataViewType Type => Values switch
    {
        float[] when VectorSize > 0 => new VectorDataViewType(NumberDataViewType.Single, VectorSize),
        int[] => NumberDataViewType.Int32,
        long[] => NumberDataViewType.Int64,
        float[] => NumberDataViewType.Single,
        double[] => NumberDataViewType.Double,
        bool[] => BooleanDataViewType.Instance,
        string?[] => TextDataViewType.Instance,
        _ => throw new ArgumentException($"column '{Name}': no ML.NET type for {Values.GetType().Name}"),
    };
}

/// <summary>
/// A read-only ML.NET <see cref="IDataView"/> over equal-length column arrays held in memory. Rows are served in
/// order (it cannot shuffle; ML.NET shuffles through its own transforms when asked).
/// </summary>
internal sealed class ColumnarDataView : IDataView
{
    private readonly DataViewColumn[] _columns;
    private readonly int _rows;

    public ColumnarDataView(IReadOnlyList<DataViewColumn> columns)
    {
        if (columns.Count == 0) throw new ArgumentException("a data view needs at least one column", nameof(columns));
        _rows = columns[0].Rows;
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
        {
            if (column.Rows != _rows || (column.VectorSize > 0 && column.Values.Length % column.VectorSize != 0))
                throw new ArgumentException($"column '{column.Name}' has {column.Rows} rows, '{columns[0].Name}' has {_rows}");
            builder.AddColumn(column.Name, column.Type);
        }
        _columns = [.. columns];
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ColumnarDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded) : DataViewRowCursor
    {
        private readonly HashSet<int> _active = columnsNeeded.Select(c => c.Index).ToHashSet();
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position >= view._rows) return false;
            _position++;
            return _position < view._rows;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"column '{column.Name}' was not requested when the cursor was made");
            var source = view._columns[column.Index];
            Delegate getter = source.Values switch
            {
                float[] vectors when source.VectorSize > 0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, source.VectorSize);
                    vectors.AsSpan(Row() * source.VectorSize, source.VectorSize).CopyTo(editor.Values);
                    value = editor.Commit();
                }),
                string?[] text => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
                    value = (text[Row()] ?? "").AsMemory()),
                var values => Direct<TValue>(values, column),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}");
        }

        private Delegate Direct<TValue>(Array values, DataViewSchema.Column column) => values is TValue[] typed
            ? (ValueGetter<TValue>)((ref TValue value) => value = typed[Row()])
            : throw new InvalidOperationException($"column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}");

        private int Row() => _position >= 0 && _position < view._rows
            ? (int)_position
            : throw new InvalidOperationException("the cursor is not on a row (call MoveNext first)");
    }
}
