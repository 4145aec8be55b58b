"""The picture a shared finalist link shows (Open Graph, 1200 × 630), drawn with Pillow."""

import io
import textwrap
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from core.dates import last_day_text
from core.enums import Phase

WIDTH, HEIGHT = 1200, 630
# DejaVu Sans, vendored (its licence beside it): Pillow's own default font has no ä or ö.
FONTS = Path(__file__).resolve().parent / "fonts"
PURPLE, WHITE, LILAC = (91, 42, 134), (255, 255, 255), (222, 209, 235)


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1].rstrip(" ,.–-") + "…"
    return lines


def share_call(competition) -> str:
    """The image's call to action: the vote's last day while it is on, else the year."""
    if competition.phase == Phase.VOTING:
        return _("Äänestä %(day)s mennessä") % {"day": last_day_text(competition.voting_closes_at)}
    return competition.local_title


def share_image(finalist, competition) -> bytes:
    """The practice's name, its organisations and what to do now ("Äänestä 27.2. mennessä"
    while the vote is on), in the site's colours. PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PURPLE)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(FONTS / "DejaVuSans-Bold.ttf", 58)
    body = ImageFont.truetype(FONTS / "DejaVuSans.ttf", 34)
    small = ImageFont.truetype(FONTS / "DejaVuSans.ttf", 28)
    draw.text((80, 70), _("Hyvä käytäntö -palkinnon finalisti"), font=small, fill=LILAC)
    y = 140
    for line in _lines(finalist.nomination.practice_name, 32, 3):
        draw.text((80, y), line, font=title, fill=WHITE)
        y += 78
    y += 16
    for line in _lines(finalist.nomination.organisations, 52, 2):
        draw.text((80, y), line, font=body, fill=LILAC)
        y += 46
    call = share_call(competition)
    draw.rounded_rectangle(
        (70, HEIGHT - 130, 80 + draw.textlength(call, font=body) + 30, HEIGHT - 60),
        radius=12,
        fill=WHITE,
    )
    draw.text((95, HEIGHT - 118), call, font=body, fill=PURPLE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
