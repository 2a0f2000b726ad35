"""Bar charts as SVG, drawn on the server (for the PDF report: no network, no
JavaScript). Every chart is shown next to a table with the same figures."""

import base64
from xml.sax.saxutils import escape

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue: 5.4:1 on white
WIDTH = 640
ROW = 26
LABEL_WIDTH = 250


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def bar_chart(
    title: str, rows: list[tuple[str, float | int | None]], *, scale_max=None
) -> str:
    """Horizontal bars, one per (label, value), each labelled with its value.
    A None value (a suppressed figure) draws no bar and says so."""
    values = [v for _label, v in rows if v is not None]
    top = scale_max or max(values, default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - 60
    height = ROW * max(len(rows), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="DejaVu Sans" '
        f'font-size="12"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * ROW
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" '
            f'fill="#1a1a1a">{escape(short)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{LABEL_WIDTH}" y="{y + 16}" fill="#1a1a1a">—</text>'
            )
            continue
        length = max(round(bar_space * value / top), 1 if value else 0)
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW - 8}" '
            f'fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" '
            f'fill="#1a1a1a">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    """The SVG as an ``<img src>`` value (the PDF embeds it as a vector image)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
