namespace MemGrowth.Validation.Run;

/// <summary>The benchmark could not measure what it set out to: the message says what and, where it can, why.</summary>
public sealed class BenchmarkException : Exception
{
    public BenchmarkException(string message)
        : base(message)
    {
    }

    public BenchmarkException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public BenchmarkException()
    {
    }
}
