namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// The records one request holds back, in the order they were logged. Bounded by records and bytes: past either,
/// the oldest are let go (the records nearest a failure say most about it), and counted.
/// </summary>
/// <remarks>
/// Note: a request's records may come from several threads at once (Task.WhenAll); every member takes the lock,
/// and the order of the list is the order the lock was taken in. After <see cref="Close"/> nothing more is held, so
/// work that outlives the request neither grows the buffer nor keeps its bytes from the budget.
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
