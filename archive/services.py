"""Publishing a year's results: the archive's writes, each use case one transaction."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.enums import AwardKind
from archive.models import Award, AwardYear
from archive.permissions import can_publish_results
from core import audit
from core.enums import Phase
from core.models import Competition
from core.services import competition_mark_results_published
from jury.enums import Recognition
from nominations.services import email_contact
from voting import review
from voting.queries import tally

_KIND_OF_DECISION = {
    Recognition.WINNER: AwardKind.WINNER,
    Recognition.HONOURABLE_MENTION: AwardKind.HONOURABLE_MENTION,
}


def results_preview(competition: Competition) -> list[Award]:
    """The awards publishing would write, unsaved: each finalist once by the jury's decision
    (winner, certificate of honour, or finalist) with its vote count and share, and an
    audience-favourite award for every finalist with the most votes (a tie gives several).
    """
    awards = []
    for row in tally(competition):
        finalist, nomination = row.finalist, row.finalist.nomination
        common = {
            "practice_name": nomination.practice_name,
            "organisation": nomination.organisations,
            "description": nomination.summary,
            "innokyla_url": nomination.innokyla_url,
            "nomination": nomination,
            "vote_count": row.votes,
            "vote_share": Decimal(row.share).quantize(Decimal("0.01"), ROUND_HALF_UP),
            "order": finalist.order,
        }
        kind = _KIND_OF_DECISION.get(finalist.recognition, AwardKind.FINALIST)
        field = "recognition_statement" if kind != AwardKind.FINALIST else "statement"
        statements = {
            f"jury_statement{suffix}": getattr(finalist, f"{field}{suffix}")
            for suffix in ("", "_sv", "_en")
        }
        awards.append(Award(kind=kind, **statements, **common))
        if row.is_favourite:
            awards.append(Award(kind=AwardKind.AUDIENCE_FAVOURITE, **common))
    return awards


def results_problems(competition: Competition) -> list[str]:
    """Why the results cannot be published now (empty when they can)."""
    problems = []
    if competition.phase not in {Phase.DELIBERATION, Phase.PUBLISHED}:
        problems.append(_("Tuloksia ei voi julkaista ennen kuin äänestys on päättynyt."))
    elif not any(a.kind == AwardKind.WINNER for a in results_preview(competition)):
        problems.append(_("Palkintoraati ei ole vielä kirjannut voittajaa."))
    else:
        problems.extend(review.publishing_problems(competition))
    existing = AwardYear.objects.filter(year=competition.year).first()
    if existing is not None and existing.competition_id != competition.pk:
        problems.append(
            _("Arkistossa on jo vuoden %(year)s tiedot, joita ei ole tehty tästä kilpailusta.")
            % {"year": competition.year}
        )
    return problems


@transaction.atomic
def results_publish(*, competition: Competition, by) -> AwardYear:
    """Make the year's results public.

    Side effects, in one transaction: the year's AwardYear and its Awards in the archive
    (linked to their nominations), the competition's results-published stamp, and after
    commit an e-mail to each finalist's contact person with the outcome. Publishing a year
    that is already published changes nothing. Refused before voting has closed and when the
    jury has recorded no winner, and while the vote's review waits for a decision (a
    cluster) or a confirmation (voting/review.py).
    """
    if not can_publish_results(by):
        raise PermissionDenied
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.results_published_at is not None:
        return AwardYear.objects.get(competition=competition)
    review.clusters_refresh(competition)  # the votes of the last minutes too
    review.confirmations_expire(competition=competition)  # dates passed, worker not yet run
    problems = results_problems(competition)
    if problems:
        raise ValidationError(problems)
    awards = results_preview(competition)
    award_year = AwardYear.objects.create(
        year=competition.year, awarded=True, competition=competition, votes_reviewed=True
    )
    for award in awards:
        award.year = award_year
    Award.objects.bulk_create(awards)
    competition_mark_results_published(competition=competition, at=timezone.now())
    outcomes: dict[int, list[str]] = {}
    for award in awards:
        outcomes.setdefault(award.nomination_id, []).append(award.kind)
    for award in awards:
        kinds = outcomes.pop(award.nomination_id, None)
        if kinds is None:
            continue  # one e-mail per finalist, however many awards
        email_contact(
            award.nomination,
            "archive/email/results",
            {
                "nomination": award.nomination,
                "competition": competition,
                "kinds": kinds,
                "results_url": settings.SITE_URL.rstrip("/")
                + reverse("archive:results", kwargs={"year": competition.year}),
            },
            bulk=True,
        )
    audit.record(
        audit.Action.RESULTS_PUBLISHED,
        actor=by,
        target=competition,
        awards=[f"{a.kind}: {a.practice_name}" for a in awards],
    )
    return award_year


@transaction.atomic
def results_unpublish(*, competition: Competition, by) -> None:
    """Take a year's results back: removes exactly what publishing added (the year's archive
    entry and its awards) and clears the stamp. Nothing is sent to anyone."""
    if not can_publish_results(by):
        raise PermissionDenied
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.results_published_at is None:
        return
    AwardYear.objects.filter(competition=competition).delete()
    competition_mark_results_published(competition=competition, at=None)
    audit.record(audit.Action.RESULTS_UNPUBLISHED, actor=by, target=competition)
