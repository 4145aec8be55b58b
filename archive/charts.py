"""Server-rendered SVG charts: readable without JavaScript, numbers also given as text."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 28
GAP = 12
WIDTH = 600


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: Decimal | float  # percent


def bar_chart(bars: list[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one per item, each with its label and value; ``title`` names the
    chart for screen readers (who also get the same numbers as a table on the page)."""
    height = len(bars) * (BAR_HEIGHT * 2 + GAP) + GAP
    widest = max((float(b.share) for b in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-title" class="results-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    y = GAP
    for bar in bars:
        share = float(bar.share)
        length = max(2.0, (WIDTH - 120) * share / widest)
        text = f"{share:.1f} %".replace(".", ",")
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="15" fill="#212529">{escape(bar.label)}</text>'
        )
        parts.append(
            f'<rect x="0" y="{y + BAR_HEIGHT}" width="{length:.1f}" height="{BAR_HEIGHT - 6}" '
            f'fill="#5b2a86" rx="3"/>'
        )
        parts.append(
            f'<text x="{length + 8:.1f}" y="{y + BAR_HEIGHT + 17}" font-size="15" '
            f'fill="#212529">{escape(text)} ({bar.value})</text>'
        )
        y += BAR_HEIGHT * 2 + GAP
    parts.append("</svg>")
    # Every text in the SVG is escaped above.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703
