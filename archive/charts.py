"""Server-rendered bar charts: readable without JavaScript, numbers also given as text."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: Decimal | float  # percent


def bar_chart(bars: list[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one per item, each with its label and value as text of the page
    (so they are as large as the page's text at any width; on a phone the label goes above
    its bar), the bar itself a small SVG stretched to its share of the widest. ``title``
    names the chart for screen readers (who also get the same numbers as a table)."""
    widest = max((float(b.share) for b in bars), default=0) or 1
    parts = [f'<figure class="results-chart" role="img" aria-label="{escape(title)}">']
    for bar in bars:
        share = float(bar.share)
        length = max(0.5, 100 * share / widest)
        text = f"{share:.1f} %".replace(".", ",")
        parts.append(
            '<div class="chart-row">'
            f'<span class="chart-label">{escape(bar.label)}</span>'
            '<span class="chart-bar">'
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" '
            'preserveAspectRatio="none" width="100%" height="20" '
            f'aria-hidden="true"><rect width="{length:.1f}" height="10" fill="#5b2a86"/></svg>'
            f'<span class="chart-value">{escape(text)} ({bar.value})</span>'
            "</span></div>"
        )
    parts.append("</figure>")
    # Every text in the markup is escaped above.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703
