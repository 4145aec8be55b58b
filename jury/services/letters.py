"""The letters the jury's work sends to nominees, rendered in each one's language."""

from dataclasses import dataclass

from django.utils import translation

from core import mail
from nominations.models import Nomination


@dataclass(frozen=True)
class Letter:
    nomination: Nomination
    finalist: bool
    recipient: str
    subject: str
    body: str


def rendered_letters(letters) -> tuple:
    """Each (nomination, template, context) as the Letter its contact person would receive,
    in their language; nominations whose contact data has been erased receive nothing."""
    rendered = []
    for nomination, template, context in letters:
        if not nomination.contact_email:
            continue
        with translation.override(nomination.language):
            subject, body = mail.render_email(template, context)
        rendered.append(
            Letter(
                nomination=nomination,
                finalist=template == "jury/email/finalist",
                recipient=nomination.contact_email,
                subject=subject,
                body=body,
            )
        )
    return tuple(rendered)
