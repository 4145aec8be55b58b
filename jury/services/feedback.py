"""The jury's feedback to every nominee, once a year after the results."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils.translation import gettext as _

from core import audit
from core.enums import Phase
from core.models import Competition, Criterion
from jury.models import (
    FeedbackRound,
    OverallComment,
    Score,
)
from jury.permissions import (
    can_send_feedback,
)
from jury.services.letters import rendered_letters
from nominations.enums import NominationState
from nominations.models import Nomination
from nominations.services import email_contact

# --- Feedback to nominees -----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: Criterion
    mean: float | None  # None: nobody scored the criterion
    comments: tuple  # the comments jurors marked for the nominee, no names


def _feedback_letters(competition: Competition):
    """(nomination, template, context) of every feedback e-mail: for each nomination still in
    the competition and scored by someone, its panel's mean per criterion and the comments
    jurors marked "näytetään ehdottajalle". Nothing in the context names a juror. Four
    queries, whatever the number of nominations."""
    nominations = list(
        Nomination.objects.filter(competition=competition, state=NominationState.SUBMITTED)
        .select_related("competition")
        .order_by("practice_name")
    )
    criteria = list(Criterion.objects.order_by("number"))
    means = {
        (row["nomination"], row["criterion"]): row["mean"]
        for row in Score.objects.filter(nomination__in=nominations)
        .values("nomination", "criterion")
        .annotate(mean=Avg("value"))
    }
    comments: dict[tuple, list[str]] = {}
    for nomination_id, criterion_id, text in (
        Score.objects.filter(nomination__in=nominations, shared_with_nominee=True)
        .exclude(comment="")
        .order_by("pk")
        .values_list("nomination", "criterion", "comment")
    ):
        comments.setdefault((nomination_id, criterion_id), []).append(text)
    overall: dict[int, list[str]] = {}
    for nomination_id, text in (
        OverallComment.objects.filter(nomination__in=nominations, shared_with_nominee=True)
        .order_by("pk")
        .values_list("nomination", "text")
    ):
        overall.setdefault(nomination_id, []).append(text)
    letters = []
    for nomination in nominations:
        rows = tuple(
            CriterionFeedback(
                criterion=c,
                mean=means.get((nomination.pk, c.pk)),
                comments=tuple(comments.get((nomination.pk, c.pk), ())),
            )
            for c in criteria
        )
        if all(row.mean is None for row in rows):
            continue  # nobody scored it: there is no feedback to give
        context = {
            "nomination": nomination,
            "competition": competition,
            "criteria": rows,
            "overall": tuple(overall.get(nomination.pk, ())),
        }
        letters.append((nomination, "jury/email/feedback", context))
    return letters


def _feedback_problems(competition: Competition) -> list[str]:
    problems = []
    if competition.phase != Phase.PUBLISHED:
        problems.append(_("Palaute lähetetään vasta, kun tulokset on julkistettu."))
    if FeedbackRound.objects.filter(competition=competition).exists():
        problems.append(_("Tämän vuoden palaute on jo lähetetty."))
    return problems


@dataclass(frozen=True)
class FeedbackPreview:
    competition: Competition
    letters: tuple
    problems: tuple
    unscored: tuple  # nominations that get no feedback because nobody scored them


def feedback_preview(*, competition: Competition) -> FeedbackPreview:
    """What sending the year's feedback would send, without sending it: every e-mail rendered
    in full in its recipient's language, and the reasons it would be refused."""
    letters = _feedback_letters(competition)
    given = {nomination.pk for nomination, _template, _context in letters}
    unscored = (
        Nomination.objects.filter(competition=competition, state=NominationState.SUBMITTED)
        .exclude(pk__in=given)
        .order_by("practice_name")
    )
    return FeedbackPreview(
        competition=competition,
        letters=rendered_letters(letters),
        problems=tuple(_feedback_problems(competition)),
        unscored=tuple(unscored),
    )


@transaction.atomic
def feedback_send(*, competition: Competition, by) -> FeedbackRound:
    """Staff send every nominee their panel's feedback, once a year, after the results.

    Side effects: the year's FeedbackRound (who sent it, when, how many e-mails; a second
    one is refused by its constraint as well as here), one e-mail per nominee through the
    queue, and an audit line. Refused before the results are published and a second time.
    """
    if not can_send_feedback(by):
        raise PermissionDenied
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    problems = _feedback_problems(competition)
    if problems:
        raise ValidationError(problems)
    letters = [letter for letter in _feedback_letters(competition) if letter[0].contact_email]
    round_ = FeedbackRound.objects.create(competition=competition, sent_by=by, letters=len(letters))
    for nomination, template, context in letters:
        email_contact(nomination, template, context, bulk=True)
    audit.record(
        audit.Action.FEEDBACK_SENT,
        actor=by,
        target=competition,
        recipients=len(letters),
        nominations=[nomination.pk for nomination, _template, _context in letters],
    )
    return round_
