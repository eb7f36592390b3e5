namespace MemGrowth.Validation.Scoring;

/// <summary>The rate a process really grew at, from /proc: the least-squares slope of its VmRSS over a span.</summary>
internal static class TrueRate
{
    /// <summary>Bytes per second over [<paramref name="from"/>, <paramref name="to"/>]; NaN with fewer than two points in it.</summary>
    public static double Over(IReadOnlyList<TruthPoint> truth, double from, double to)
    {
        double n = 0, sumT = 0, sumV = 0;
        foreach (var p in truth)
        {
            if (p.Time >= from && p.Time <= to)
            {
                n++;
                sumT += p.Time;
                sumV += p.RssBytes;
            }
        }

        if (n < 2)
        {
            return double.NaN;
        }

        double meanT = sumT / n, meanV = sumV / n, stt = 0, stv = 0;
        foreach (var p in truth)
        {
            if (p.Time >= from && p.Time <= to)
            {
                stt += (p.Time - meanT) * (p.Time - meanT);
                stv += (p.Time - meanT) * (p.RssBytes - meanV);
            }
        }

        return stt > 0 ? stv / stt : double.NaN;
    }
}
