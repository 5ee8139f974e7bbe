using System.Globalization;
using System.Net;
using System.Text;

namespace NetSim.Reporting.Html;

/// <summary>A minimal SVG writer for the report's diagrams: rectangles, lines, text, with escaped text and invariant numbers.</summary>
public sealed class Svg
{
    private readonly StringBuilder _body = new();

    public Svg(string cssClass, double width, double height, string title)
    {
        CssClass = cssClass;
        Width = width;
        Height = height;
        Title = title;
    }

    public string CssClass { get; }
    public double Width { get; set; }
    public double Height { get; set; }
    public string Title { get; }

    public static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public Svg Rect(double x, double y, double w, double h, string fill, string? tooltip = null, string stroke = "none", double rx = 0, string? cssClass = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(w, 0.5))}\" height=\"{N(h)}\" fill=\"{fill}\" stroke=\"{stroke}\" rx=\"{N(rx)}\"");
        if (cssClass is not null) _body.Append(CultureInfo.InvariantCulture, $" class=\"{cssClass}\"");
        if (tooltip is null) _body.Append("/>");
        else _body.Append("><title>").Append(Escape(tooltip)).Append("</title></rect>");
        _body.Append('\n');
        return this;
    }

    public Svg Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"");
        if (dash is not null) _body.Append(CultureInfo.InvariantCulture, $" stroke-dasharray=\"{dash}\"");
        _body.Append("/>\n");
        return this;
    }

    public Svg Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222", string weight = "normal")
    {
        _body.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" text-anchor=\"{anchor}\" fill=\"{fill}\" font-weight=\"{weight}\">{Escape(text)}</text>\n");
        return this;
    }

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{CssClass}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" width=\"{N(Width)}\" height=\"{N(Height)}\" role=\"img\" aria-label=\"{Escape(Title)}\">\n" +
        $"<title>{Escape(Title)}</title>\n{_body}</svg>";
}
