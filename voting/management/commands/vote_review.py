"""The vote's review for operators and an audit: the year's clusters, their evidence and
their decisions, after running the flags on the votes as they are now."""

import json

from django.core.management.base import BaseCommand, CommandError

from core.dates import moment_text
from core.models import Competition
from voting import review
from voting.enums import DecisionAction
from voting.models import VoteCluster, VoteDecision


class Command(BaseCommand):
    help = "Tulostaa vuoden epäilyttävät äänirypäät, niiden näytön ja päätökset."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="kilpailuvuosi, esimerkiksi 2027"
        )
        parser.add_argument(
            "--json", action="store_true", help="JSON-muodossa (koodit, ajat ISO 8601 -muodossa)"
        )

    def handle(self, *args, year: int, **options):
        competition = Competition.objects.filter(year=year).first()
        if competition is None:
            raise CommandError(f"Vuotta {year} ei ole.")
        if competition.results_published_at is None:
            review.clusters_refresh(competition)
        report = _report(competition)
        if options["json"]:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(
            f"{year}: {len(report['clusters'])} ryvästä, "
            f"{report['waiting']} odottaa päätöstä, {report['removed']} ääntä poistettu"
        )
        actions = dict(DecisionAction.choices)
        for cluster in report["clusters"]:
            decision = actions.get(cluster["decision"], "odottaa päätöstä")
            self.stdout.write(
                f"\n#{cluster['id']} {cluster['kind_label']}: {cluster['label']} "
                f"({len(cluster['votes'])} ääntä) – {decision}"
            )
            for line in cluster["evidence"]:
                self.stdout.write(f"  - {line}")
            for name, count in cluster["gains"]:
                self.stdout.write(f"  {count:>5}  {name}")
        for decision in VoteDecision.objects.filter(competition=competition).order_by("pk"):
            rule = (
                f", sääntö {decision.rule_number}: {decision.get_rule_display()}"
                if decision.rule
                else ""
            )
            until = f" {moment_text(decision.confirm_by)} mennessä" if decision.confirm_by else ""
            self.stdout.write(
                f"\npäätös #{decision.pk} {moment_text(decision.decided_at)}, "
                f"{decision.decided_by}: {decision.get_action_display()}{until}{rule} "
                f"({decision.vote_count} ääntä)"
                + (
                    f", peruttu {moment_text(decision.reversed_at)}, {decision.reversed_by}"
                    if decision.reversed_at
                    else ""
                )
            )
            if decision.comment:
                self.stdout.write(f"  perustelu: {decision.comment}")


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)


def _report(competition: Competition) -> dict:
    clusters = list(
        VoteCluster.objects.filter(competition=competition)
        .select_related("decision")
        .prefetch_related("votes")
        .order_by("pk")
    )
    gains = review.cluster_gains([cluster.pk for cluster in clusters])
    summary = review.review_summary(competition)
    return {
        "year": competition.year,
        "waiting": summary["waiting"],
        "removed": summary["removed"],
        "clusters": [
            {
                "id": cluster.pk,
                "kind": cluster.kind,
                "kind_label": cluster.get_kind_display(),
                "label": cluster.label,
                "evidence": cluster.evidence,
                "votes": sorted(vote.pk for vote in cluster.votes.all()),
                "gains": gains.get(cluster.pk, []),
                "decision": cluster.decision.action if cluster.decision else None,
            }
            for cluster in clusters
        ],
        "decisions": [
            {
                "id": decision.pk,
                "cluster": decision.cluster_id,
                "action": decision.action,
                "rule": decision.rule,
                "rule_number": decision.rule_number,
                "comment": decision.comment,
                "votes": decision.vote_count,
                "confirm_by": moment_text(decision.confirm_by) if decision.confirm_by else None,
                "decided_by": decision.decided_by,
                "decided_at": decision.decided_at.isoformat(),
                "reversed_at": decision.reversed_at.isoformat() if decision.reversed_at else None,
            }
            for decision in VoteDecision.objects.filter(competition=competition).order_by("pk")
        ],
    }
