"""Certificates (kunniakirja) as PDF, made with ReportLab."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from archive.enums import AwardKind
from archive.models import Award

CERTIFIED_KINDS = {AwardKind.WINNER, AwardKind.AUDIENCE_FAVOURITE, AwardKind.HONOURABLE_MENTION}
ACCENT = colors.HexColor("#5b2a86")


def _style(name: str, size: int, *, bold: bool = False, color=colors.black, space: int = 6):
    # The standard Helvetica faces use WinAnsi encoding, which has ä, ö and å.
    return ParagraphStyle(
        name,
        fontName="Helvetica-Bold" if bold else "Helvetica",
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_CENTER,
        textColor=color,
        spaceAfter=space,
    )


def _reason(award: Award) -> str:
    if award.kind == AwardKind.AUDIENCE_FAVOURITE:
        share = f"{award.vote_share:.1f}".replace(".", ",") if award.vote_share is not None else ""
        return _("Yleisöäänestyksessä eniten ääniä saanut finalisti (%(share)s %% äänistä).") % {
            "share": share
        }
    return award.jury_statement


def certificate_pdf(award: Award) -> bytes:
    """The certificate for a winner, an audience favourite or a certificate of honour."""
    if award.kind not in CERTIFIED_KINDS:
        raise ValueError("Finalists without a recognition get no certificate.")
    heading = {
        AwardKind.WINNER: _("Hyvä käytäntö -palkinto"),
        AwardKind.AUDIENCE_FAVOURITE: _("Yleisön suosikki"),
        AwardKind.HONOURABLE_MENTION: _("Kunniamaininta"),
    }[award.kind]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=30 * mm,
        rightMargin=30 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=f"{_('Kunniakirja')} – {award.practice_name}",
        author="Talentia",
    )
    story = [
        Paragraph(_("KUNNIAKIRJA"), _style("title", 34, bold=True, color=ACCENT, space=10)),
        Paragraph(f"{heading} {award.year_id}", _style("kind", 18, space=18)),
        # Paragraph reads its text as markup: everything from the data is escaped.
        Paragraph(escape(award.practice_name), _style("practice", 24, bold=True, space=8)),
    ]
    if award.organisation:
        story.append(Paragraph(escape(award.organisation), _style("organisation", 15, space=16)))
    reason = _reason(award)
    if reason:
        story.append(Paragraph(escape(reason), _style("reason", 12, space=24)))
    story += [
        Spacer(1, 10 * mm),
        Paragraph(format_date(timezone.localdate(), "j.n.Y"), _style("date", 11)),
        Paragraph(
            _("Talentia – Sosiaalialan korkeakoulutettujen ammattijärjestö"),
            _style("signature", 11, bold=True),
        ),
    ]
    document.build(story, onFirstPage=_frame)
    return buffer.getvalue()


def _frame(canvas, document) -> None:
    """A double border in the award's colour around the page."""
    width, height = document.pagesize
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    canvas.restoreState()
