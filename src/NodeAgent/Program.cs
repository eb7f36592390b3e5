namespace MemGrowth.NodeAgent;

internal static class Program
{
    public static int Main(string[] args) => 0;
}
