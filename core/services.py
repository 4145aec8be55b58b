from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import audit, mail
from core.branding import forget_site_identity
from core.dates import day_text
from core.models import TIMELINE, Competition, SiteSettings
from core.ratelimit import clear_expired
from core.storage import files_forget


def competition_mark_finalists_published(*, competition: Competition, at: datetime) -> None:
    """Stamp the moment the finalists became public (called by the jury's publishing service)."""
    competition.finalists_published_at = at
    competition.save(update_fields=["finalists_published_at", "updated_at"])


def competition_mark_results_published(*, competition: Competition, at: datetime | None) -> None:
    """Stamp (or, with ``None``, clear) the moment the year's results became public; called
    by the archive's publishing service."""
    competition.results_published_at = at
    competition.save(update_fields=["results_published_at", "updated_at"])


@transaction.atomic
def site_settings_save(*, site_settings: SiteSettings) -> SiteSettings:
    """Staff change the site's identity.

    Side effects: the replaced logo and icon are erased, and this process shows the new
    identity at once (the others within ``SITE_IDENTITY_CACHE_SECONDS``).
    """
    before = SiteSettings.objects.select_for_update().filter(pk=SiteSettings.SINGLE_ROW).first()
    site_settings.pk = SiteSettings.SINGLE_ROW
    site_settings.save()
    if before is not None:
        files_forget({before.logo.name, before.icon.name})
    forget_site_identity()
    transaction.on_commit(forget_site_identity)
    return site_settings


@dataclass(frozen=True)
class CoreErasure:
    rate_limit_counters: int
    expired_login_attempts: int
    audit_events: int
    outgoing_emails: int


def core_records_erase_expired(*, now: datetime) -> CoreErasure:
    """The core's part of the nightly retention (each app erases its own): rate-limit
    counters older than a day, expired sessions, failed sign-ins that no longer count towards
    a lockout (address, user agent), audit events over two years old, and the rows of
    delivered or failed e-mail (``mail.email_prune``)."""
    counters = clear_expired()
    # Django's own clean-up of expired sessions (what `clearsessions` runs).
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    attempts, _ = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    return CoreErasure(
        rate_limit_counters=counters,
        expired_login_attempts=attempts,
        audit_events=audit.prune(),
        outgoing_emails=mail.email_prune(now=now),
    )


def competition_attachments(competition: Competition) -> list[str]:
    """What deleting the year would take with it, as "kilpailuehdotukset: 3" lines; empty when
    nothing is attached. Read from the relations themselves, so every app's rows count."""
    collector = NestedObjects(using=router.db_for_write(Competition))
    collector.collect([competition])
    counts: dict[str, int] = {}
    for model, objects in collector.model_objs.items():
        if (
            model is Competition
            or model._meta.auto_created
            or "historical" in model._meta.model_name
        ):
            continue
        name = str(capfirst(model._meta.verbose_name_plural))
        counts[name] = counts.get(name, 0) + len(objects)
    # Relations that would only lose their link (SET_NULL: an archive year linked to it).
    for (field, _value), instances in collector.field_updates.items():
        name = str(capfirst(field.model._meta.verbose_name_plural))
        counts[name] = counts.get(name, 0) + sum(len(batch) for batch in instances)
    for obj in collector.protected:
        name = str(capfirst(obj._meta.verbose_name_plural))
        counts[name] = counts.get(name, 0) + 1
    return [f"{name}: {count}" for name, count in sorted(counts.items()) if count]


def competition_delete_refusal(competition: Competition) -> str:
    """Why the year cannot be deleted, in Finnish; empty when it can (nothing attached)."""
    attached = competition_attachments(competition)
    if not attached:
        return ""
    return _(
        "Vuotta %(year)s ei voi poistaa, koska siihen liittyy tietoja (%(what)s). "
        "Vain tyhjän, vahingossa lisätyn vuoden voi poistaa."
    ) % {"year": competition.year, "what": "; ".join(attached)}


@transaction.atomic
def competition_delete(*, competition: Competition, by) -> None:
    """Delete a year set up by mistake. Refused (ValidationError, naming what is attached) for
    a year with anything attached to it: nominations, drafts, seats, votes, an archive entry.

    Side effects: one audit event.
    """
    refusal = competition_delete_refusal(competition)
    if refusal:
        raise ValidationError(refusal, code="not_empty")
    audit.record(audit.Action.YEAR_DELETED, actor=by, target=f"competition:{competition.year}")
    competition.delete()


# What the next year takes over from this one as it is: its texts in every language, the
# prize and the number of finalists. (The four criteria are the award's own, shared by every
# year, so they carry on by themselves.)
CARRIED_OVER = (
    "introduction",
    "introduction_sv",
    "introduction_en",
    "prize_text",
    "prize_text_sv",
    "prize_text_en",
    "finalist_count",
    "announcement_place",
    "announcement_place_sv",
    "announcement_place_en",
)


def _day_a_year_on(day):
    """The same day a year later (29.2. becomes 28.2.); None stays None."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _a_year_on(moment: datetime) -> datetime:
    """The same wall-clock moment in Helsinki a year later (29.2. becomes 28.2.)."""
    local = timezone.localtime(moment)
    moved = datetime.combine(_day_a_year_on(local.date()), local.time())
    return timezone.make_aware(moved, timezone.get_current_timezone())


def competition_dates_a_year_on(competition: Competition) -> dict[str, datetime]:
    """The year's timeline moved one year on, field by field."""
    return {field: _a_year_on(getattr(competition, field)) for field in TIMELINE}


def competition_next_refusal(competition: Competition) -> str:
    """Why the year after ``competition`` cannot be made from it, in Finnish; empty when it
    can: it exists already, or its call would open in the past, public at once, unchecked."""
    year = competition.year + 1
    if Competition.objects.filter(year=year).exists():
        return _("Vuosi %(year)s on jo olemassa: avaa se kilpailuvuosien listasta.") % {
            "year": year
        }
    opens = competition_dates_a_year_on(competition)["nomination_opens_at"]
    if opens <= timezone.now():
        return _(
            "Vuoden %(year)s ehdotusaika alkaisi %(day)s, joka on jo mennyt, joten vuosi näkyisi "
            "yleisölle heti tarkistamattomana. Lisää vuosi kilpailuvuosien listasta omilla "
            "päivämäärillään."
        ) % {"year": year, "day": day_text(opens)}
    return ""


def competition_next_from(*, competition: Competition, by) -> Competition:
    """Set up the year after ``competition`` from it: its texts in every language, the prize
    and the number of finalists, the titles with the year changed, and every date one year on,
    for staff to check. The new year is in preparation, so the public does not see it until
    its call opens. Refused (ValidationError) when that year exists already.

    Side effects: one Competition row.
    """
    refusal = competition_next_refusal(competition)
    if refusal:
        raise ValidationError(refusal, code="refused")
    year = competition.year + 1
    old, new = str(competition.year), str(year)
    following = Competition(
        year=year,
        title=competition.title.replace(old, new),
        title_sv=competition.title_sv.replace(old, new),
        title_en=competition.title_en.replace(old, new),
        **{field: getattr(competition, field) for field in CARRIED_OVER},
        **competition_dates_a_year_on(competition),
        announcement_on=_day_a_year_on(competition.announcement_on),
    )
    following.full_clean()
    try:
        with transaction.atomic():
            following.save()
    except IntegrityError as error:  # the same year made a moment ago, by a second click
        raise ValidationError(
            _("Vuosi %(year)s on jo olemassa: avaa se kilpailuvuosien listasta.") % {"year": year},
            code="exists",
        ) from error
    return following


def account_deactivation_refusal(*, account, by) -> str:
    """Why ``by`` may not switch ``account`` off, in Finnish; empty when they may."""
    if account.pk == by.pk:
        return _("Et voi poistaa omaa tiliäsi käytöstä.")
    if account.is_superuser and not by.is_superuser:
        return _("Pääkäyttäjän tilin voi poistaa käytöstä vain toinen pääkäyttäjä.")
    return ""


@transaction.atomic
def account_deactivate(*, account, by) -> bool:
    """Switch a staff or jury account off: it cannot sign in, and its sessions end at once
    (``core.signals``). What it did stays in the history. False if it was off already."""
    refusal = account_deactivation_refusal(account=account, by=by)
    if refusal:
        raise ValidationError(refusal)
    if not account.is_active:
        return False
    account.is_active = False
    account._deactivated_by = by  # for the audit line written by core.signals
    account.save(update_fields=["is_active"])
    return True
