"""The vote's review: the clusters the flags find, staff's decisions on them, and the votes'
standing that follows. Each use case is one transaction.

A vote stands unless the decision that governs it (``_governing``: one made on chosen votes
beats one made on a cluster; of clusters' decisions the most severe holds) removes it, or
asked its voter to confirm by a date that has passed without a confirmation. The standing is kept on
the vote (``removed_rule``, ``confirm_by``) so that the tally is a plain count.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, mail
from core.dates import moment_text
from core.enums import Phase
from core.models import Competition
from voting import flags
from voting.enums import DecisionAction, RemovalRule
from voting.models import Vote, VoteCluster, VoteDecision
from voting.permissions import can_review_votes


def vote_rows(competition: Competition) -> list[flags.VoteRow]:
    """The year's votes as the flags read them (one query). Votes whose voter is erased
    carry no evidence and are left out."""
    rows = Vote.objects.filter(competition=competition, voter__isnull=False).values_list(
        "pk",
        "finalist_id",
        "cast_at",
        "voter__date_joined",
        "voter__mailbox__canonical",
        "voter__email",
        "network",
        "device",
        "voter__mailbox__code_without_proof_at",
    )
    return [
        flags.VoteRow(
            vote_id=pk,
            finalist_id=finalist,
            cast_at=cast_at,
            joined_at=joined,
            address=canonical or (email or "").lower(),
            network=network,
            device=device,
            without_proof=without_proof is not None and without_proof <= cast_at,
        )
        for pk, finalist, cast_at, joined, canonical, email, network, device, without_proof in rows
    ]


@transaction.atomic
def clusters_refresh(competition: Competition, *, now: datetime | None = None) -> int:
    """Run the flags on the year's votes and record what they find: new clusters, and new
    votes in known ones (a decided cluster that grows waits for a decision again). A vote
    never leaves a cluster. Runs one at a time per year (the year's row is locked), on
    whichever worker or node. Returns how many clusters wait for a decision."""
    now = now or timezone.now()
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    found = flags.find_clusters(
        vote_rows(competition),
        opens_at=competition.voting_opens_at,
        limits=flags.Thresholds.from_settings(),
    )
    known = {
        (cluster.kind, cluster.key): cluster
        for cluster in VoteCluster.objects.filter(competition=competition)
    }
    members = dict(
        VoteCluster.objects.filter(competition=competition)
        .annotate(ids=_vote_ids())
        .values_list("pk", "ids")
    )
    for item in found:
        cluster = known.get((item.kind, item.key))
        if cluster is None:
            cluster = VoteCluster.objects.create(
                competition=competition,
                kind=item.kind,
                key=item.key,
                label=item.label[:300],
                evidence=item.evidence,
            )
            cluster.votes.add(*item.vote_ids)
            continue
        new = item.vote_ids - set(members.get(cluster.pk) or [])
        if not new and cluster.evidence == item.evidence:
            continue
        cluster.evidence = item.evidence
        cluster.label = item.label[:300]
        if new:
            cluster.votes.add(*new)
            cluster.grown_at = now
            cluster.decision = None
        cluster.save(update_fields=["evidence", "label", "grown_at", "decision"])
    return VoteCluster.objects.filter(competition=competition, decision__isnull=True).count()


def _vote_ids():
    return ArrayAgg("votes", default=[])


def reviewable_years():
    """Years whose clusters the worker keeps up to date: voting, or closed and unpublished."""
    now = timezone.now()
    return [
        competition
        for competition in Competition.objects.filter(
            voting_opens_at__lte=now, results_published_at__isnull=True
        )
        if competition.phase_at(now) in {Phase.VOTING, Phase.DELIBERATION}
    ]


# --- Decisions -------------------------------------------------------------------------------


def decision_refusal(
    competition: Competition, *, action: str, rule: str, confirm_by: datetime | None, by
) -> str | None:
    """Why this decision cannot be made, in Finnish, or None."""
    if not can_review_votes(by):
        return _("Sinulla ei ole oikeutta päättää äänistä.")
    if competition.results_published_at is not None:
        return _("Tulokset on jo julkaistu: äänistä ei voi enää päättää.")
    if action not in DecisionAction.values:
        return _("Valitse päätös.")
    if action == DecisionAction.REMOVE and rule not in RemovalRule.values:
        return _("Valitse sääntö, jonka perusteella äänet poistetaan.")
    if action == DecisionAction.CONFIRM and (confirm_by is None or confirm_by <= timezone.now()):
        return _("Anna tuleva päivä, johon mennessä äänet on vahvistettava.")
    return None


@transaction.atomic
def votes_decide(
    *,
    competition: Competition,
    action: str,
    by,
    cluster: VoteCluster | None = None,
    vote_ids: list[int] | None = None,
    rule: str = "",
    comment: str = "",
    confirm_by: datetime | None = None,
    request=None,
) -> VoteDecision:
    """Keep, ask to confirm, or remove a cluster's votes (as they are now), the votes
    ``vote_ids`` of the cluster (some of its votes, from its screen), or the votes
    ``vote_ids`` alone (no cluster). Asking to confirm queues one e-mail per voter whose vote
    it leaves waiting. Every decision is in the history and can be reversed until the
    results are published."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    refusal = decision_refusal(competition, action=action, rule=rule, confirm_by=confirm_by, by=by)
    if refusal:
        raise PermissionDenied(refusal) if not can_review_votes(by) else ValidationError(refusal)
    votes = Vote.objects.filter(competition=competition)
    whole = False
    if cluster is not None:
        votes = votes.filter(clusters=cluster)
        everything = set(votes.values_list("pk", flat=True))
        if vote_ids is not None:
            votes = votes.filter(pk__in=vote_ids)
    else:
        votes = votes.filter(pk__in=vote_ids or [])
    ids = sorted(votes.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("Päätöksellä ei ole ääniä."))
    whole = cluster is not None and set(ids) == everything
    decision = VoteDecision.objects.create(
        competition=competition,
        cluster=cluster,
        whole=whole,
        action=action,
        rule=rule if action == DecisionAction.REMOVE else "",
        comment=comment,
        confirm_by=confirm_by if action == DecisionAction.CONFIRM else None,
        vote_count=len(ids),
        decided_by=audit.actor_label(by),
    )
    decision.votes.add(*ids)
    if whole:
        VoteCluster.objects.filter(pk=cluster.pk).update(decision=decision)
    _settle(ids)
    if action == DecisionAction.CONFIRM:
        _ask_to_confirm(
            Vote.objects.filter(pk__in=ids, confirm_by=confirm_by, removed_rule="")
            .values_list("pk", flat=True)
            .order_by("pk"),
            confirm_by,
        )
    audit.record(
        audit.Action.VOTES_DECIDED,
        actor=by,
        request=request,
        target=competition,
        decision=decision.pk,
        decided=action,
        rule=decision.rule,
        votes=len(ids),
        cluster=cluster.pk if cluster else None,  # not its label: that names addresses
    )
    return decision


@transaction.atomic
def decision_reverse(*, decision: VoteDecision, by, request=None) -> None:
    """Take a decision back: its votes stand as the decisions before it left them, and its
    cluster waits again (or keeps its previous decision). The decision stays in the history,
    stamped."""
    competition = Competition.objects.select_for_update().get(pk=decision.competition_id)
    if not can_review_votes(by):
        raise PermissionDenied
    if competition.results_published_at is not None:
        raise ValidationError(_("Tulokset on jo julkaistu: päätöstä ei voi enää perua."))
    decision = VoteDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.reversed_at is not None:
        return
    decision.reversed_at = timezone.now()
    decision.reversed_by = audit.actor_label(by)
    decision.save(update_fields=["reversed_at", "reversed_by"])
    if decision.whole:
        # The cluster's decision before this one holds again, unless the cluster has grown
        # since it was made: then it waits for a decision on its new votes.
        cluster = VoteCluster.objects.filter(pk=decision.cluster_id, decision=decision).first()
        if cluster is not None:
            cluster.decision = (
                VoteDecision.objects.filter(
                    cluster=cluster,
                    whole=True,
                    reversed_at__isnull=True,
                    decided_at__gte=cluster.grown_at,
                )
                .order_by("-decided_at", "-pk")
                .first()
            )
            cluster.save(update_fields=["decision"])
    _settle(list(decision.votes.values_list("pk", flat=True)))
    audit.record(
        audit.Action.VOTES_DECISION_REVERSED,
        actor=by,
        request=request,
        target=competition,
        decision=decision.pk,
    )


# Where a vote sits in several clusters, the most severe of their verdicts holds, whatever
# their order: keeping the votes of a network does not bring back a vote removed for its
# address. Within one cluster's screen, the newest decision on the vote is that verdict.
_SEVERITY = {DecisionAction.KEEP: 0, DecisionAction.CONFIRM: 1, DecisionAction.REMOVE: 2}


def _governing(decisions: list[tuple]) -> tuple | None:
    """The decision that sets a vote's standing. Each decision is (action, rule, confirm_by,
    decided_at, pk, cluster id or None). Per cluster (decisions without one count as one
    more), the newest decision covering the vote is that cluster's verdict: keeping one
    genuine voter of a removed cluster, or removing a whole cluster after keeping most of it,
    is the newer word. Of the verdicts, the most severe holds."""
    verdicts: dict = {}
    for decision in decisions:
        newest = verdicts.get(decision[5])
        if newest is None or (decision[3], decision[4]) > (newest[3], newest[4]):
            verdicts[decision[5]] = decision
    return max(verdicts.values(), key=lambda d: (_SEVERITY[d[0]], d[3], d[4]), default=None)


def _settle(vote_ids: list[int], *, now: datetime | None = None) -> int:
    """Write each vote's standing from the decisions covering it that are not reversed
    (``_governing``); the number of votes that stopped standing."""
    now = now or timezone.now()
    # The votes are locked first (in one order, as every caller does) and their decisions
    # read after, so a decision made meanwhile is never settled from a stale reading.
    locked = list(Vote.objects.select_for_update().filter(pk__in=vote_ids).order_by("pk"))
    decisions: dict[int, list[tuple]] = {}
    for vote, *decision in VoteDecision.votes.through.objects.filter(
        vote_id__in=vote_ids, votedecision__reversed_at__isnull=True
    ).values_list(
        "vote_id",
        "votedecision__action",
        "votedecision__rule",
        "votedecision__confirm_by",
        "votedecision__decided_at",
        "votedecision_id",
        "votedecision__cluster_id",
    ):
        decisions.setdefault(vote, []).append(tuple(decision))
    removed = 0
    for vote in locked:
        governing = _governing(decisions.get(vote.pk, []))
        action, rule, confirm_by, decided_at = (
            governing[:4] if governing else (None, "", None, None)
        )
        standing = ("", None)
        if action == DecisionAction.REMOVE:
            standing = (rule, None)
        elif action == DecisionAction.CONFIRM:
            confirmed = vote.confirmed_at is not None and vote.confirmed_at >= decided_at
            if not confirmed:
                late = confirm_by <= now
                standing = (RemovalRule.NOT_CONFIRMED, confirm_by) if late else ("", confirm_by)
        if (vote.removed_rule, vote.confirm_by) != standing:
            removed += bool(standing[0]) and not vote.removed_rule
            vote.removed_rule, vote.confirm_by = standing
            vote.save(update_fields=["removed_rule", "confirm_by"])
    return removed


def _ask_to_confirm(vote_ids: list[int], confirm_by: datetime) -> None:
    """One e-mail per voter, through the queue, in the language they voted in."""
    url = settings.SITE_URL.rstrip("/") + reverse("voting:confirm_vote")
    for vote in Vote.objects.filter(pk__in=vote_ids, voter__isnull=False).select_related(
        "voter", "competition"
    ):
        with translation.override(vote.language):
            subject, body = mail.render_email(
                "voting/email/confirm",
                {
                    "competition": vote.competition,
                    "confirm_by": moment_text(confirm_by),
                    "url": url,
                    "rules_url": settings.SITE_URL.rstrip("/") + reverse("voting:rules"),
                },
            )
        mail.email_send(subject=subject, body=body, to=[vote.voter.email])


@transaction.atomic
def vote_confirm(*, voter, now: datetime | None = None) -> int:
    """The voter signed in again with a fresh code: every vote of theirs that was asked to be
    confirmed, and whose date has not passed, is confirmed. The number confirmed."""
    now = now or timezone.now()
    ids = list(
        Vote.objects.filter(voter=voter, confirm_by__gt=now, removed_rule="").values_list(
            "pk", flat=True
        )
    )
    if ids:
        Vote.objects.filter(pk__in=ids).update(confirmed_at=now)
        _settle(ids, now=now)
    return len(ids)


def votes_awaiting_confirmation(voter, *, now: datetime | None = None) -> list[Vote]:
    now = now or timezone.now()
    return list(
        Vote.objects.filter(voter=voter, confirm_by__gt=now, removed_rule="").select_related(
            "competition"
        )
    )


@transaction.atomic
def confirmations_expire(
    *, competition: Competition | None = None, now: datetime | None = None
) -> int:
    """Remove the votes whose confirmation date has passed unconfirmed (rule: not
    confirmed), in the years not yet published (or in ``competition`` alone). Run by the
    worker, and by publishing; the number removed. Each year's row is locked first, as a
    decision locks it."""
    now = now or timezone.now()
    years = Competition.objects.filter(results_published_at__isnull=True)
    if competition is not None:
        years = years.filter(pk=competition.pk)
    due_years = Vote.objects.filter(confirm_by__lte=now, removed_rule="").values("competition_id")
    locked = list(
        years.filter(pk__in=due_years)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    due = list(
        Vote.objects.filter(
            competition_id__in=locked, confirm_by__lte=now, removed_rule=""
        ).values_list("pk", "competition_id")
    )
    if not due:
        return 0
    removed = _settle([pk for pk, _competition in due], now=now)
    for competition_id in {competition for _pk, competition in due}:
        audit.record(
            audit.Action.VOTES_UNCONFIRMED,
            target=Competition.objects.get(pk=competition_id),
            votes=sum(1 for _pk, competition in due if competition == competition_id),
        )
    return removed


# --- What the review and the results show ----------------------------------------------------


def publishing_problems(competition: Competition, *, now: datetime | None = None) -> list[str]:
    """Why the vote's review keeps the results from being published: clusters waiting for a
    decision (named), votes whose confirmation date has not come."""
    now = now or timezone.now()
    problems = []
    waiting = VoteCluster.objects.filter(competition=competition, decision__isnull=True).annotate(
        count=Count("votes")
    )
    for cluster in waiting.order_by("pk"):
        problems.append(
            _(
                "Äänestyksen tarkastus on kesken: ryväs ”%(cluster)s” (%(count)s ääntä) "
                "odottaa päätöstä."
            )
            % {"cluster": str(cluster), "count": cluster.count}
        )
    pending = Vote.objects.filter(
        competition=competition, confirm_by__isnull=False, removed_rule=""
    )
    latest = pending.order_by("-confirm_by").values_list("confirm_by", flat=True).first()
    if latest is not None:
        problems.append(
            _("%(count)s ääntä odottaa äänestäjän vahvistusta %(date)s asti.")
            % {"count": pending.count(), "date": moment_text(latest)}
        )
    return problems


@dataclass(frozen=True)
class Removed:
    rule: RemovalRule
    number: int  # the rule's number on the rules page
    votes: int


def removed_votes(competition: Competition) -> list[Removed]:
    """How many votes were removed under each rule, in the rules' order (one query)."""
    counts = dict(
        Vote.objects.filter(competition=competition)
        .exclude(removed_rule="")
        .values_list("removed_rule")
        .annotate(count=Count("pk"))
    )
    return [
        Removed(RemovalRule(rule), number, counts[rule])
        for number, rule in enumerate(RemovalRule.values, start=1)
        if counts.get(rule)
    ]


def cluster_gains(cluster_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """How many votes each finalist gets from each cluster (one query)."""
    rows = (
        Vote.objects.filter(clusters__in=cluster_ids)
        .values_list("clusters", "finalist__nomination__practice_name")
        .annotate(count=Count("pk"))
        .order_by("clusters", "-count")
    )
    gains: dict[int, list[tuple[str, int]]] = {}
    for cluster, name, count in rows:
        gains.setdefault(cluster, []).append((name, count))
    return gains


def review_summary(competition: Competition) -> dict:
    """Counts for the review's heading: clusters waiting and decided, votes removed."""
    clusters = VoteCluster.objects.filter(competition=competition).aggregate(
        waiting=Count("pk", filter=Q(decision__isnull=True)),
        decided=Count("pk", filter=Q(decision__isnull=False)),
    )
    removed = Vote.objects.filter(competition=competition).exclude(removed_rule="").count()
    return {**clusters, "removed": removed}
