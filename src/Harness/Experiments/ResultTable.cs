using System.Globalization;
using System.Text;

namespace Harness.Experiments;

/// A table of results for people: a title, column headers and rows of cells, written as Markdown
/// (report.md, and the run's stdout). Built from tidy rows by the pivots below.
public sealed record ResultTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// One metric on one model, site, dataset and split: a row per method, a column per edit, the
    /// unedited value in column "none" (the same for every method; a row "none" when no method
    /// has a value).
    /// Split PromptSubsets.AnySubset gathers every subset's own prompts in one table: each method's
    /// row shows its own subset's unedited value.
    public static ResultTable? MethodByEdit(IReadOnlyList<ResultRow> rows, string model, string site, string metric, string dataset, string split)
    {
        bool subsets = split == PromptSubsets.AnySubset;
        var chosen = rows.Where(r => r.Model == model && r.Site == site && r.Metric == metric && r.Dataset == dataset
            && (subsets ? PromptSubsets.IsSubsetSplit(r.Split) : r.Split == split)).ToList();
        if (chosen.Count == 0) return null;
        if (subsets) chosen = chosen.Where(r => !r.IsBaseline || chosen.Any(m => !m.IsBaseline && m.Split == r.Split)).ToList();
        var baseline = chosen.FirstOrDefault(r => r.IsBaseline);
        var edits = chosen.Where(r => !r.IsBaseline).Select(r => r.Edit).Distinct().ToList();
        var methods = chosen.Where(r => r.Method != ResultRow.None).Select(r => r.Method).Distinct().ToList();
        var columns = new List<string> { "method" };
        if (baseline is not null) columns.Add(ResultRow.None);
        columns.AddRange(edits);
        var table = new List<IReadOnlyList<string>>();
        if (methods.Count == 0 && baseline is not null) table.Add([ResultRow.None, Cell(baseline)]);
        foreach (var m in methods)
        {
            var cells = new List<string> { m };
            var own = subsets ? chosen.FirstOrDefault(r => r.IsBaseline && chosen.Any(x => x.Method == m && x.Split == r.Split)) : baseline;
            if (baseline is not null) cells.Add(own is null ? "" : Cell(own));
            foreach (var e in edits)
                cells.Add(chosen.FirstOrDefault(r => r.Method == m && r.Edit == e) is { } r ? Cell(r) : "");
            table.Add(cells);
        }
        var what = subsets ? $"{dataset}, each method on its own subset's prompts" : $"{dataset}/{split}";
        return new ResultTable($"{metric} on {what} ({RunFolder.Display(model)}, {site})", columns, table);
    }

    /// One metric on one model, dataset and split over sites (a sweep): a row per method and edit
    /// (first the unedited "none"), a column per site.
    public static ResultTable? BySite(IReadOnlyList<ResultRow> rows, string model, string metric, string dataset, string split)
    {
        var chosen = rows.Where(r => r.Model == model && r.Metric == metric && r.Dataset == dataset && r.Split == split).ToList();
        var sites = chosen.Select(r => r.Site).Distinct().ToList();
        if (sites.Count < 2) return null;
        var series = chosen.Select(r => (r.Method, r.Edit)).Distinct().OrderBy(s => s.Method == ResultRow.None && s.Edit == ResultRow.None ? 0 : 1).ToList();
        var columns = new List<string> { "method", "edit" };
        columns.AddRange(sites);
        var table = new List<IReadOnlyList<string>>();
        foreach (var (m, e) in series)
        {
            var cells = new List<string> { m, e };
            foreach (var site in sites)
                cells.Add(chosen.FirstOrDefault(r => r.Site == site && r.Method == m && r.Edit == e) is { } r ? Cell(r) : "");
            table.Add(cells);
        }
        return new ResultTable($"{metric} on {dataset}/{split} by site ({RunFolder.Display(model)})", columns, table);
    }

    /// Every (dataset, split) a metric was measured on, in the order of the rows.
    /// Every subset's own prompts count as one set, (dataset, PromptSubsets.AnySubset).
    public static IReadOnlyList<(string Dataset, string Split)> Sets(IReadOnlyList<ResultRow> rows, string metric) =>
        rows.Where(r => r.Metric == metric).Select(r => (r.Dataset, PromptSubsets.IsSubsetSplit(r.Split) ? PromptSubsets.AnySubset : r.Split)).Distinct().ToList();

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", Columns.Select(Escape))).Append(" |\n");
        text.Append('|').Append(string.Join("|", Columns.Select((_, i) => i == 0 ? " --- " : " ---: "))).Append("|\n");
        foreach (var row in Rows)
            text.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
        return text.ToString();
    }

    /// Plain aligned columns, for a terminal.
    public string ToText()
    {
        var widths = Columns.Select((c, i) => Math.Max(c.Length, Rows.Select(r => i < r.Count ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        text.Append(Title).Append('\n');
        void Line(IReadOnlyList<string> cells)
        {
            for (int i = 0; i < widths.Length; i++)
            {
                var cell = i < cells.Count ? cells[i] : "";
                text.Append(i == 0 ? cell.PadRight(widths[i]) : "  " + cell.PadLeft(widths[i]));
            }
            text.Append('\n');
        }
        Line(Columns);
        foreach (var row in Rows) Line(row);
        return text.ToString();
    }

    /// A row's value with its interval when it has one: `0.873 [0.851, 0.894]`.
    public static string Cell(ResultRow r) =>
        r.CiLow is double lo && r.CiHigh is double hi ? $"{Format(r.Value)} [{Format(lo)}, {Format(hi)}]" : Format(r.Value);

    /// 3 decimals; below 0.01 (but not 0) 3 significant digits (a small KL must not read as 0);
    /// large values (perplexity) with fewer decimals; non-finite as inf / nan.
    public static string Format(double x) =>
        double.IsNaN(x) ? "nan"
        : double.IsInfinity(x) ? (x > 0 ? "inf" : "-inf")
        : x != 0 && Math.Abs(x) < 0.01 ? x.ToString("G3", CultureInfo.InvariantCulture)
        : Math.Abs(x) >= 1000 ? x.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(x) >= 100 ? x.ToString("0.0", CultureInfo.InvariantCulture)
        : x.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("|", "\\|");
}
