"""Server-rendered bar charts: readable without JavaScript, numbers also given as text."""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: Decimal | float  # percent


def bar_chart(bars: list[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one per item, each with its label and value as text of the page
    (so they are as large as the page's text at any width; on a phone the label goes above
    its bar), the bar itself a small SVG stretched to its share of the widest. ``title``
    names the chart for screen readers (who also get the same numbers as a table).

    Rendered by a template with autoescaping on, so the labels (practice names as typed)
    are escaped by the engine, not by hand."""
    widest = max((float(b.share) for b in bars), default=0) or 1
    rows = [
        {
            "label": bar.label,
            "value": bar.value,
            "length": f"{max(0.5, 100 * float(bar.share) / widest):.1f}",
            # A no-break space keeps the per cent sign on its figure's line at any width.
            "share": f"{float(bar.share):.1f}\u00a0%".replace(".", ","),
        }
        for bar in bars
    ]
    return render_to_string("archive/bar_chart.html", {"title": title, "rows": rows})
