namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// The records one request holds back, in order; past its bounds the oldest are let go, and counted: the records
/// nearest a failure say most about it.
/// </summary>
/// <remarks>
/// Note: a request may log from several threads at once (Task.WhenAll), so every member takes the lock and the order
/// is the lock's. After <see cref="Close"/> nothing is held, so work outliving the request takes no budget.
/// </remarks>
internal sealed class HeldRecordBuffer(HeldRecordsOptions options, HeldRecordBudget budget)
{
    private readonly Lock _lock = new();
    // Made with the first record held: a request that holds nothing allocates only the buffer and its lock.
    private Queue<HeldRecord>? _records;
    private long _bytes;
    private bool _closed;

    public bool IsOpen => !Volatile.Read(ref _closed);

    public void Add(HeldRecord record)
    {
        if (record.Bytes > options.MaxBytesPerRequest)
        {
            budget.CountRequestLimitDrop();
            return;
        }

        if (!budget.TryTake(record.Bytes))
        {
            return;
        }

        lock (_lock)
        {
            if (_closed)
            {
                budget.Return(record.Bytes);
                return;
            }

            _records ??= new Queue<HeldRecord>();
            _records.Enqueue(record);
            _bytes += record.Bytes;
            while (_records.Count > options.MaxRecordsPerRequest || _bytes > options.MaxBytesPerRequest)
            {
                var oldest = _records.Dequeue();
                _bytes -= oldest.Bytes;
                budget.Return(oldest.Bytes);
                budget.CountRequestLimitDrop();
            }
        }
    }

    /// <summary>Takes every record held so far, oldest first, and holds nothing more.</summary>
    public IReadOnlyCollection<HeldRecord> Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return [];
            }

            // Handed out as it is: once closed, nothing adds to it.
            _closed = true;
            IReadOnlyCollection<HeldRecord> records = _records ?? [];
            _records = null;
            budget.Return(_bytes);
            _bytes = 0;
            return records;
        }
    }
}
