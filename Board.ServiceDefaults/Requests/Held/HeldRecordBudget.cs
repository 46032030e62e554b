namespace Board.ServiceDefaults.Requests.Held;

/// <summary>
/// The bytes every request in flight holds together, against <see cref="HeldRecordsOptions.MaxBytesInFlight"/>, and
/// the count of records let go for the bounds, by reason. One per host.
/// </summary>
/// <remarks>Note: updated with interlocked operations from every request's thread; no lock.</remarks>
internal sealed class HeldRecordBudget(long maxBytesInFlight)
{
    private long _bytesInFlight;
    private long _droppedForRequestLimit;
    private long _droppedForInFlightLimit;
    private long _droppedForCaptureFailure;

    public long BytesInFlight => Interlocked.Read(ref _bytesInFlight);

    /// <summary>Records let go because their request held its most (oldest first).</summary>
    public long DroppedForRequestLimit => Interlocked.Read(ref _droppedForRequestLimit);

    /// <summary>Records not held because all requests together held their most.</summary>
    public long DroppedForInFlightLimit => Interlocked.Read(ref _droppedForInFlightLimit);

    /// <summary>Records that could not be taken (reading their state or scopes threw).</summary>
    public long DroppedForCaptureFailure => Interlocked.Read(ref _droppedForCaptureFailure);

    public long Dropped => DroppedForRequestLimit + DroppedForInFlightLimit + DroppedForCaptureFailure;

    public bool TryTake(int bytes)
    {
        if (Interlocked.Add(ref _bytesInFlight, bytes) <= maxBytesInFlight)
        {
            return true;
        }

        Interlocked.Add(ref _bytesInFlight, -bytes);
        Interlocked.Increment(ref _droppedForInFlightLimit);
        return false;
    }

    public void Return(long bytes) => Interlocked.Add(ref _bytesInFlight, -bytes);

    public void CountRequestLimitDrop() => Interlocked.Increment(ref _droppedForRequestLimit);

    public void CountCaptureFailure() => Interlocked.Increment(ref _droppedForCaptureFailure);
}
