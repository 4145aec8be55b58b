"""Writes for nominations: one function per use case, each in one transaction."""

import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import mail
from core.enums import Phase
from core.models import Competition, Criterion
from nominations.enums import NominationState
from nominations.models import (
    MAX_ATTACHMENTS,
    STORED_ANSWER_MAX_LENGTH,
    Attachment,
    CriterionAnswer,
    Nomination,
    NominationDraft,
    draft_token,
    hash_token,
    new_token,
)
from nominations.queries import contact_address_in
from nominations.uploads import CheckedUpload

# The nomination's own fields that the public form writes.
NOMINATION_FIELDS = (
    "practice_name",
    "summary",
    "organisations",
    "region",
    "innokyla_url",
    "target_group",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
)


class NominationClosed(ValidationError):
    """The competition is not taking nominations or changes now."""


class DraftGone(Exception):
    """The draft was sent as a nomination (or erased) meanwhile, in another tab perhaps."""


@dataclass(frozen=True)
class Submitted:
    nomination: Nomination
    token: str


def _require_nomination_phase(competition: Competition) -> None:
    if competition.phase != Phase.NOMINATION:
        raise NominationClosed(_("Ehdotusaika ei ole käynnissä, joten muutoksia ei voi tehdä."))


def _require_editable(nomination: Nomination) -> None:
    _require_nomination_phase(nomination.competition)
    if nomination.state != NominationState.SUBMITTED:
        raise NominationClosed(_("Ehdotus on peruttu tai hylätty, eikä sitä voi enää muuttaa."))


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def email_contact(
    nomination: Nomination, template: str, context: Mapping, *, bulk: bool = False
) -> None:
    """E-mail the nomination's contact person in the language they used.

    ``template`` names a pair ``<template>_subject.txt`` and ``<template>.txt``; other apps
    pass their own (``"jury/email/finalist"``). The message is queued in the caller's
    transaction (``core.mail``): it goes out only if that transaction commits, and
    the mail server's state never affects the caller. ``bulk`` lets one mass mailing wait
    behind messages that someone is waiting for, such as sign-in codes.
    """
    if not nomination.contact_email:
        return  # the contact person's data has been erased
    _email(nomination.contact_email, nomination.language, template, context, bulk=bulk)


def _email(
    recipient: str, language: str, template: str, context: Mapping, *, bulk: bool = False
) -> None:
    """One e-mail to one address, written in that person's language, queued."""
    with translation.override(language):
        subject, body = mail.render_email(template, dict(context))
    mail.email_send(
        subject=subject,
        body=body,
        to=[recipient],
        priority=mail.PRIORITY_BULK if bulk else mail.PRIORITY_NORMAL,
    )


def _save_answers(nomination: Nomination, answers: Mapping[int, str]) -> None:
    criteria = {c.number: c for c in Criterion.objects.all()}
    for number, text in answers.items():
        CriterionAnswer.objects.update_or_create(
            nomination=nomination, criterion=criteria[number], defaults={"text": text}
        )


def _save_attachments(nomination: Nomination, uploads: Iterable[CheckedUpload]) -> None:
    for upload in uploads:
        attachment = Attachment(
            nomination=nomination,
            original_name=upload.file.name[:255],
            content_type=upload.content_type,
            size=upload.file.size,
        )
        # The stored name is random: a user's file name never reaches the file system.
        attachment.file.save(f"{uuid.uuid4().hex}.{upload.extension}", upload.file, save=False)
        attachment.save()


@transaction.atomic
def nomination_submit(
    *,
    competition: Competition,
    data: Mapping,
    answers: Mapping[int, str],
    uploads: Iterable[CheckedUpload] = (),
    language: str = "fi",
    draft: NominationDraft | None = None,
) -> Submitted:
    """Receive a nomination during the nomination phase.

    Side effects: one Nomination, one CriterionAnswer per criterion, the attachments stored in
    private storage, and a confirmation e-mail with the private link, queued in the same
    transaction; the draft it was written in, if any, is deleted in it too.
    Raises NominationClosed outside the nomination phase (server time).
    """
    _require_nomination_phase(competition)
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("Liitteitä voi olla enintään %(max)d.") % {"max": MAX_ATTACHMENTS})
    token, token_hash = new_token()
    nomination = Nomination.objects.create(
        competition=competition,
        **{field: data[field] for field in NOMINATION_FIELDS},
        publish_consent=True,
        privacy_acknowledged_at=timezone.now(),
        language=language,
        token_hash=token_hash,
    )
    _save_answers(nomination, answers)
    _save_attachments(nomination, uploads)
    if draft is not None:
        # Locked and deleted in this transaction: of two sends of one draft (a double click,
        # two tabs), one makes the nomination and the other finds the draft gone.
        deleted = NominationDraft.objects.filter(pk=draft.pk).delete()[0]
        if not deleted:
            raise DraftGone
    email_contact(
        nomination,
        "nominations/email/confirmation",
        {
            "nomination": nomination,
            "answers": answers_for_email(nomination),
            "private_url": _absolute(nomination.private_url(token)),
        },
    )
    return Submitted(nomination=nomination, token=token)


def answers_for_email(nomination: Nomination) -> list[CriterionAnswer]:
    return list(nomination.answers.select_related("criterion").order_by("criterion__number"))


@transaction.atomic
def nomination_update(
    *,
    nomination: Nomination,
    data: Mapping,
    answers: Mapping[int, str],
    uploads: Iterable[CheckedUpload] = (),
    remove_attachment_ids: Iterable[int] = (),
) -> Nomination:
    """Change a nomination through its private link until the nomination deadline.

    Side effects: updates the nomination and its answers, deletes the chosen attachments
    (files included, after commit) and stores new ones. The row is locked so that two
    browser tabs cannot together exceed the attachment limit.
    Raises NominationClosed after the deadline or for a withdrawn or ineligible nomination.
    """
    nomination = (
        Nomination.objects.select_for_update().select_related("competition").get(pk=nomination.pk)
    )
    _require_editable(nomination)
    uploads = list(uploads)
    removed = list(nomination.attachments.filter(pk__in=list(remove_attachment_ids)))
    kept = nomination.attachments.count() - len(removed)
    if kept + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("Liitteitä voi olla enintään %(max)d.") % {"max": MAX_ATTACHMENTS})
    for field in NOMINATION_FIELDS:
        setattr(nomination, field, data[field])
    nomination.save(update_fields=[*NOMINATION_FIELDS, "updated_at"])
    _save_answers(nomination, answers)
    for attachment in removed:
        attachment.delete()  # its stored file with it (core/storage.py)
    _save_attachments(nomination, uploads)
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination) -> Nomination:
    """The nominator withdraws their nomination before the deadline.

    Side effects: state and time of withdrawal saved; a confirmation e-mail queued.
    """
    nomination = (
        Nomination.objects.select_for_update().select_related("competition").get(pk=nomination.pk)
    )
    _require_editable(nomination)
    nomination.state = NominationState.WITHDRAWN
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["state", "withdrawn_at", "updated_at"])
    email_contact(nomination, "nominations/email/withdrawn", {"nomination": nomination})
    return nomination


@transaction.atomic
def nomination_mark_ineligible(*, nomination: Nomination, reason: str) -> Nomination:
    """Staff rule a nomination out of the competition, with the reason told to the nominator.

    Side effects: state and reason saved; an e-mail to the contact person queued.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Kerro syy, joka lähetetään ehdottajalle."))
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.state == NominationState.WITHDRAWN:
        raise ValidationError(_("Peruttua ehdotusta ei voi merkitä kelpaamattomaksi."))
    nomination.state = NominationState.INELIGIBLE
    nomination.ineligible_reason = reason
    nomination.save(update_fields=["state", "ineligible_reason", "updated_at"])
    email_contact(
        nomination, "nominations/email/ineligible", {"nomination": nomination, "reason": reason}
    )
    return nomination


@transaction.atomic
def nomination_resend_links(*, competition: Competition, email: str) -> int:
    """Send fresh private links for every live nomination with this contact address, and the
    links of its unsent drafts.

    Each nomination's link replaces the earlier one (only a hash is stored, so an old link
    cannot be looked up and re-sent); a draft's link is rebuilt and stays the same.
    Returns how many were sent; the caller must not reveal it.
    """
    nominations = list(
        Nomination.objects.select_for_update()
        .filter(competition=competition, contact_email__iexact=email.strip())
        .exclude(state=NominationState.WITHDRAWN)
    )
    for nomination in nominations:
        token, nomination.token_hash = new_token()
        nomination.save(update_fields=["token_hash", "updated_at"])
        email_contact(
            nomination,
            "nominations/email/link",
            {"nomination": nomination, "private_url": _absolute(nomination.private_url(token))},
        )
    drafts = list(
        NominationDraft.objects.select_for_update()
        .select_related("competition")
        .filter(competition=competition, contact_email__iexact=email.strip())
    )
    for draft in drafts:
        _email_draft(draft, "nominations/email/draft_link", _current_token(draft))
    return len(nominations) + len(drafts)


@transaction.atomic
def nomination_contact_erase(*, nomination: Nomination) -> Nomination:
    """Erase the contact person's personal data from a nomination: their name, title, e-mail
    address and phone number, the private link (a new unknown token, so the old link stops
    working) and the attachments (files and rows), which may hold personal data too.

    Outgoing e-mail to the address goes too, sent or not (``mail.email_forget``).
    The practice itself (name, description, organisations, answers) stays, and so does
    everything the jury and the archive recorded about it. Erasing twice changes nothing.
    """
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.contact_erased_at is not None:
        return nomination
    for attachment in nomination.attachments.all():
        attachment.delete()  # its stored file with it (core/storage.py)
    if nomination.contact_email:
        mail.email_forget(address=nomination.contact_email)
    nomination.contact_name = nomination.contact_title = ""
    nomination.contact_email = nomination.contact_phone = ""
    nomination.token_hash = new_token()[1]
    nomination.contact_erased_at = timezone.now()
    nomination.save(
        update_fields=[
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "token_hash",
            "contact_erased_at",
        ]
    )
    return nomination


def contact_data_erase_expired(*, now=None) -> int:
    """Erase contact persons' data of every nomination of a year whose results were
    published longer ago than NOMINATION_CONTACT_RETENTION_DAYS; the number erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOMINATION_CONTACT_RETENTION_DAYS)
    expired = Nomination.objects.filter(
        competition__results_published_at__lte=cutoff, contact_erased_at__isnull=True
    )
    erased = 0
    for nomination in expired.iterator():
        nomination_contact_erase(nomination=nomination)
        erased += 1
    return erased


# --- Drafts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedDraft:
    draft: NominationDraft
    token: str
    link_sent: bool


def _current_token(draft: NominationDraft) -> str:
    """The draft's link, rebuilt from its nonce; after a change of the site's secret key the
    rebuilt link replaces the old one (whose hash no longer matches)."""
    token = draft_token(draft.nonce)
    if hash_token(token) != draft.token_hash:
        draft.token_hash = hash_token(token)
        draft.save(update_fields=["token_hash"])
    return token


def _email_draft(draft: NominationDraft, template: str, token: str) -> None:
    # The name is as typed and unchecked: a short one-line piece of it, not a spam payload.
    name = Truncator(" ".join(draft.data.get("practice_name", "").split())).chars(80)
    contact = Truncator(" ".join(draft.data.get("contact_name", "").split())).chars(80)
    _email(
        draft.contact_email,
        draft.language,
        template,
        {
            "draft": draft,
            "practice_name": name,
            "contact_name": contact,
            "closes_at": draft.competition.nomination_closes_at,
            "private_url": _absolute(draft.private_url(token)),
        },
    )


@transaction.atomic
def draft_save(
    *,
    competition: Competition,
    texts: Mapping[str, str],
    contact_email: str,
    language: str = "fi",
    draft: NominationDraft | None = None,
    writer: str = "",
    revision: int = 0,
) -> SavedDraft:
    """Keep a nomination's texts as a draft during the nomination phase, as typed: nothing
    is validated but the address the link goes to.

    Side effects: a new draft, or ``draft`` updated (its row locked, so two tabs save one
    after the other). When the draft is new or its address has changed, an e-mail with the
    private link to continue goes to the address, queued in the same transaction. A save from
    the page (``writer``) that saved last, older than its last (``revision``), changes
    nothing: it arrived late.
    Raises NominationClosed outside the nomination phase, DraftGone if ``draft`` no longer
    exists.
    """
    _require_nomination_phase(competition)
    texts = {name: str(value)[:STORED_ANSWER_MAX_LENGTH] for name, value in texts.items() if value}
    if draft is None:
        nonce = secrets.token_hex(16)
        token = draft_token(nonce)
        draft = NominationDraft.objects.create(
            competition=competition,
            data=texts,
            contact_email=contact_email,
            language=language,
            nonce=nonce,
            token_hash=hash_token(token),
            writer=writer,
            revision=revision,
        )
        link_sent = True
    else:
        draft = (
            NominationDraft.objects.select_for_update()
            .select_related("competition")
            .filter(pk=draft.pk)
            .first()
        )
        if draft is None:
            raise DraftGone
        token = _current_token(draft)
        if writer and writer == draft.writer and revision <= draft.revision:
            return SavedDraft(draft=draft, token=token, link_sent=False)
        link_sent = draft.contact_email.lower() != contact_email.lower()
        draft.data, draft.contact_email, draft.language = texts, contact_email, language
        draft.writer, draft.revision = writer, revision
        draft.save(
            update_fields=[
                "data",
                "contact_email",
                "language",
                "writer",
                "revision",
                "updated_at",
            ]
        )
    if link_sent:
        _email_draft(draft, "nominations/email/draft_link", token)
    return SavedDraft(draft=draft, token=token, link_sent=link_sent)


def draft_reminders_send_due(*, now=None) -> int:
    """Remind the contact of every unsent draft, NOMINATION_DRAFT_REMINDER_DAYS before the
    nomination deadline, once: each draft's row is locked and marked in the transaction that
    queues its e-mail, so a second run (or a second worker) finds nothing to send. A run
    missed while the worker was down sends late, before the deadline. Not reminded: drafts
    begun after the reminder's moment (their writers know the deadline is near), and drafts
    whose address has sent a nomination since (from a fresh form, say).
    Returns how many were sent.
    """
    now = now or timezone.now()
    ahead = timedelta(days=settings.NOMINATION_DRAFT_REMINDER_DAYS)
    sent_since = Nomination.objects.filter(
        competition=OuterRef("competition"),
        contact_email__iexact=OuterRef("contact_email"),
        submitted_at__gte=OuterRef("updated_at"),
    )
    due = NominationDraft.objects.filter(
        reminded_at__isnull=True,
        competition__nomination_opens_at__lte=now,
        competition__nomination_closes_at__gt=now,
        competition__nomination_closes_at__lte=now + ahead,
        created_at__lte=F("competition__nomination_closes_at") - ahead,
    ).exclude(Exists(sent_since))
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            draft = (
                due.select_for_update(of=("self",), skip_locked=True)
                .select_related("competition")
                .filter(pk=pk)
                .first()
            )
            if draft is None:
                continue  # another worker has it, or it was sent meanwhile
            draft.reminded_at = now
            draft.save(update_fields=["reminded_at"])
            _email_draft(draft, "nominations/email/draft_reminder", _current_token(draft))
        sent += 1
    return sent


def drafts_erase_expired(*, now=None) -> int:
    """Delete the drafts never sent, NOMINATION_DRAFT_RETENTION_DAYS after their year's
    nomination deadline; the number deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOMINATION_DRAFT_RETENTION_DAYS)
    deleted, _ = NominationDraft.objects.filter(
        competition__nomination_closes_at__lte=cutoff
    ).delete()
    return deleted


def drafts_erase_for(*, emails: Iterable[str]) -> int:
    """Delete every draft whose contact address is one of these (a data subject's request);
    the number deleted."""
    deleted, _ = NominationDraft.objects.filter(contact_address_in(emails)).delete()
    return deleted
