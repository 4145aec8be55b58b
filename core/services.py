from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.branding import forget_site_identity
from core.enums import Phase
from core.models import Competition, SiteSettings
from core.storage import files_forget

# Offsets of each timeline moment from the start of nominations, in days, shaped like a real
# year: nominations in autumn, the jury over winter, the public vote in February.
_DEMO_TIMELINE_DAYS = {
    "nomination_opens_at": 0,
    "nomination_closes_at": 60,
    "scoring_closes_at": 100,
    "voting_opens_at": 110,
    "voting_closes_at": 131,
}
# How far into the timeline "now" falls for each phase the demo can show (a published year is
# one in deliberation whose results have been published).
_DEMO_NOW_AT_DAY = {
    Phase.DRAFT: -14,
    Phase.NOMINATION: 30,
    Phase.REVIEW: 80,
    Phase.VOTING: 120,
    Phase.DELIBERATION: 140,
    Phase.PUBLISHED: 140,
}


def _demo_timeline(phase: Phase, now: datetime) -> dict[str, datetime]:
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = local_midnight - timedelta(days=_DEMO_NOW_AT_DAY[phase])
    return {
        field: start + timedelta(days=days)  # wall-clock days: midnight stays midnight over DST
        for field, days in _DEMO_TIMELINE_DAYS.items()
    }


def competition_retime_demo(*, competition: Competition, phase: Phase, now=None) -> Competition:
    """Move the demo year's dates so that ``now`` falls in ``phase``'s part of the timeline;
    the publication stamps stay as they are (publishing is what the services do)."""
    timeline = _demo_timeline(phase, now or timezone.now())
    for field, moment in timeline.items():
        setattr(competition, field, moment)
    competition.save(update_fields=[*timeline, "updated_at"])
    return competition


@transaction.atomic
def competition_set_up_demo(*, phase: Phase, now: datetime | None = None) -> Competition:
    """Create or reset the demo year so that it is in ``phase`` at ``now``, as far as dates
    alone can make it (no finalists or results: ``archive.demo`` builds those).

    The year is the one whose ceremony is in the coming spring. Writes one Competition row;
    re-running moves its dates (and clears its publication stamps) instead of adding a year.
    """
    now = now or timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    timeline = _demo_timeline(phase, now)
    # The award is named after the spring of its vote and ceremony: from July on, next year's.
    year = local_midnight.year + 1 if local_midnight.month >= 7 else local_midnight.year
    competition, _ = Competition.objects.update_or_create(
        year=year,
        defaults={
            **timeline,
            "title": f"Hyvä käytäntö {year}",
            "introduction": (
                "Talentia etsii jälleen sosiaalialan hyvää käytäntöä. Ehdota toimintamallia, "
                "joka on helposti sovellettava, asiakkaiden ja työntekijöiden hyväksi havaitsema, "
                "yhteiskunnallisesti vaikuttava ja arvioitu. Palkintoraati valitsee ehdotuksista "
                "finalistit, joista yleisö äänestää suosikkinsa, ja raati valitsee voittajan."
            ),
            "prize_text": (
                "Palkinto on 1000 euroa ja matka sosiaalialan konferenssiin ulkomaille. "
                "Matka maksetaan enintään kahdelle osallistujalle."
            ),
            "title_sv": f"God praxis {year}",
            "title_en": f"Good Practice {year}",
            "introduction_sv": (
                "Talentia söker igen en god praxis inom det sociala området. Föreslå en "
                "verksamhetsmodell som är lätt att tillämpa, upplevd som god av klienter och "
                "anställda, samhälleligt verkningsfull och utvärderad. Prisjuryn väljer "
                "finalister bland förslagen, publiken röstar på sin favorit och juryn väljer "
                "vinnaren."
            ),
            "introduction_en": (
                "Talentia is looking for a good social-work practice again. Nominate a practice "
                "that is easily applicable, found good by clients and workers, socially "
                "impactful and evaluated. The jury chooses finalists from the nominations, the "
                "public votes for its favourite, and the jury chooses the winner."
            ),
            "prize_text_sv": (
                "Priset är 1 000 euro och en resa till en konferens inom det sociala området "
                "utomlands, för högst två deltagare."
            ),
            "prize_text_en": (
                "The prize is 1,000 euros and a trip to a social-work conference abroad for at "
                "most two people."
            ),
            "finalists_published_at": None,
            "results_published_at": None,
        },
    )
    return competition


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
