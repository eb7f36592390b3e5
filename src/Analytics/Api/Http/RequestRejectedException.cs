namespace MemGrowth.Analytics.Api.Http;

/// <summary>A request the server cannot serve, with the status to answer it with and why.</summary>
internal sealed class RequestRejectedException : Exception
{
    public RequestRejectedException(int status, string message)
        : base(message) => Status = status;

    public RequestRejectedException()
    {
    }

    public RequestRejectedException(string message)
        : base(message)
    {
    }

    public RequestRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public int Status { get; } = 400;
}
