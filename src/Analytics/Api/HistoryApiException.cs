namespace MemGrowth.Analytics.Api;

/// <summary>The history API could not start, said so an operator can act on it (which address, which port, why).</summary>
public sealed class HistoryApiException : Exception
{
    public HistoryApiException()
    {
    }

    public HistoryApiException(string message)
        : base(message)
    {
    }

    public HistoryApiException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
