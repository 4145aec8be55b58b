"""Do the vote's flags find campaigns, and leave honest voters alone? A synthetic vote with
honest voters and three campaigns, run through the real flagging code (voting/flags.py,
through voting.review.clusters_refresh on PostgreSQL), at the default thresholds.

    .venv/bin/python bench/vote_integrity.py [--honest 2000] [--seed 2026]

The honest voters have realistic mailbox domains (the big providers, Finnish ISPs and
employers), networks (mobile operators' shared address pools, home broadband, offices),
browsers, and timing (a daily rhythm, a newsletter's peak, a minute or two from asking for a
code to voting). The campaigns, all for one finalist:

- a network farm: 60 accounts from one /24 in an hour;
- numbered addresses: 80 accounts at a catch-all domain over two days;
- a slow campaign: 40 look-alike Gmail addresses over a week, from mobile networks, at a
  human pace, a few of them unlike the rest.

Prints, per campaign, the share of its votes flagged, the share of honest votes flagged, and
which finalist would win before and after the flagged votes are removed. Creates a throwaway
database on the configured PostgreSQL (the embedded one unless DATABASE_URL is set).
"""

import argparse
import os
import random
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyvakaytanto.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

FIRST = [
    "anna",
    "aino",
    "aleksi",
    "antti",
    "eero",
    "eeva",
    "elina",
    "emma",
    "hanna",
    "heikki",
    "helena",
    "ilkka",
    "jaana",
    "janne",
    "johanna",
    "jukka",
    "juha",
    "kaisa",
    "kari",
    "katja",
    "kirsi",
    "laura",
    "leena",
    "liisa",
    "maria",
    "marja",
    "markku",
    "matti",
    "mika",
    "mikko",
    "minna",
    "noora",
    "olli",
    "outi",
    "paula",
    "pekka",
    "petri",
    "pirjo",
    "riikka",
    "risto",
    "sanna",
    "sari",
    "satu",
    "seppo",
    "sini",
    "susanna",
    "tapio",
    "teemu",
    "tiina",
    "timo",
    "tuomas",
    "tuula",
    "ulla",
    "veera",
    "ville",
]
LAST = [
    "virtanen",
    "korhonen",
    "makinen",
    "nieminen",
    "makela",
    "hamalainen",
    "laine",
    "heikkinen",
    "koskinen",
    "jarvinen",
    "lehtonen",
    "lehtinen",
    "saarinen",
    "salminen",
    "heinonen",
    "niemi",
    "heikkila",
    "kinnunen",
    "salonen",
    "turunen",
    "salo",
    "laitinen",
    "tuominen",
    "rantanen",
    "karjalainen",
    "jokinen",
    "mattila",
    "savolainen",
    "lahtinen",
    "ahonen",
    "lindholm",
    "lindqvist",
    "nyman",
    "holmberg",
]
PROVIDERS = [
    ("gmail.com", 28),
    ("hotmail.com", 8),
    ("outlook.com", 6),
    ("icloud.com", 3),
    ("yahoo.com", 2),
    ("elisanet.fi", 4),
    ("kolumbus.fi", 2),
    ("luukku.com", 2),
    ("suomi24.fi", 2),
    ("welho.com", 1),
    ("talentia.fi", 3),
]
EMPLOYERS = [
    "hel.fi",
    "espoo.fi",
    "vantaa.fi",
    "tampere.fi",
    "ouka.fi",
    "turku.fi",
    "jyvaskyla.fi",
    "kuopio.fi",
    "lahti.fi",
    "hus.fi",
    "pirha.fi",
    "vakehyva.fi",
    "keusote.fi",
    "pshyvinvointialue.fi",
    "siunsote.fi",
    "soite.fi",
    "hyvaep.fi",
    "ksshyvinvointialue.fi",
    "pohjanmaanhyvinvointi.fi",
    "laurea.fi",
    "diak.fi",
    "metropolia.fi",
]
USER_AGENTS = [
    f"Mozilla/5.0 ({system}) AppleWebKit/605.1.15 (KHTML, like Gecko) {browser}"
    for system in (
        "iPhone; CPU iPhone OS 18_1 like Mac OS X",
        "iPhone; CPU iPhone OS 17_6 like Mac OS X",
        "Linux; Android 14; SM-S921B",
        "Linux; Android 15; Pixel 8",
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10_15_7",
    )
    for browser in (
        "Version/18.1 Mobile Safari/604.1",
        "Chrome/131.0 Safari/537.36",
        "Firefox/133.0",
        "Edg/131.0",
    )
]
FINALISTS = ("A", "B", "C", "D")
HONEST_PREFERENCE = (34, 26, 22, 18)  # A leads the honest vote; every campaign is for B


class Vote:
    def __init__(self, group, address, ip, agent, language, joined, cast, finalist, proof=True):
        self.group, self.address, self.ip, self.agent = group, address, ip, agent
        self.language, self.joined, self.cast, self.finalist = language, joined, cast, finalist
        self.proof = proof


def _name(rng) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def _local(rng, first, last) -> str:
    form = rng.random()
    if form < 0.45:
        return f"{first}.{last}"
    if form < 0.6:
        return f"{first}{last}"
    if form < 0.72:
        return f"{first[0]}.{last}"
    if form < 0.85:
        return f"{first}.{last}{rng.randint(50, 99)}"
    if form < 0.93:
        return f"{first}{last[0]}"
    return f"{first}_{last}{rng.randint(1, 9)}"


def _mobile_ip(rng) -> str:
    # Mobile operators put many subscribers behind a pool of shared addresses.
    pool = f"{rng.choice((85, 91, 176, 188))}.{rng.randint(0, 19)}.{rng.randint(0, 19)}"
    return f"{pool}.{rng.randint(1, 254)}"


def _home_ip(rng) -> str:
    line = f"{rng.choice((62, 80, 84, 87, 88, 89))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
    return f"{line}.{rng.randint(1, 254)}"


def _office_ip(domain: str, rng) -> str:
    number = EMPLOYERS.index(domain)
    return f"193.{64 + number}.10.{rng.randint(1, 254)}"


def _moment(rng, opens, days: float):
    """A moment in the first ``days`` of the vote, by the daily rhythm (evenings busiest,
    nights quiet)."""
    while True:
        day = rng.randrange(int(days * 24)) / 24
        hour = rng.choices(
            range(24),
            weights=[1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 8, 8, 8, 9, 10, 12, 13, 12, 9, 5, 2],
        )[0]
        moment = opens + timedelta(
            days=int(day), hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60)
        )
        if moment < opens + timedelta(days=days):
            return moment


def _human_delay(rng) -> timedelta:
    """From asking for a code to a vote: open the mail, type the code, choose, confirm."""
    return timedelta(seconds=rng.lognormvariate(4.3, 0.6))  # median about 75 s


def honest_votes(rng, count: int, opens) -> list[Vote]:
    votes, taken = [], set()
    newsletter = opens + timedelta(days=3, hours=10)
    for number in range(count):
        first, last = _name(rng)
        if rng.random() < 0.3:
            domain = rng.choice(EMPLOYERS)
            local = f"{first}.{last}"
        else:
            domain = rng.choices([d for d, _ in PROVIDERS], weights=[w for _, w in PROVIDERS])[0]
            local = _local(rng, first, last)
        address = f"{local}@{domain}"
        while address in taken:
            address = f"{local}{rng.randint(2, 9)}@{domain}"
        taken.add(address)
        where = rng.random()
        if domain in EMPLOYERS and where < 0.5:
            ip = _office_ip(domain, rng)
        elif where < 0.6:
            ip = _mobile_ip(rng)
        else:
            ip = _home_ip(rng)
        if number % 10 == 0:  # the newsletter: a tenth of the vote in its first two hours
            cast = newsletter + timedelta(seconds=rng.randrange(7200))
        else:
            cast = _moment(rng, opens, 14)
        returning = rng.random() < 0.3  # voted in an earlier year: an old account
        joined = cast - (timedelta(days=400) if returning else _human_delay(rng))
        language = rng.choices(
            ["fi-FI,fi;q=0.9", "sv-FI,sv;q=0.9", "en-GB,en;q=0.9"], weights=[92, 5, 3]
        )[0]
        agent = rng.choices(USER_AGENTS, weights=[1 / (1 + n) for n in range(len(USER_AGENTS))])[0]
        finalist = rng.choices(FINALISTS, weights=HONEST_PREFERENCE)[0]
        votes.append(
            Vote(
                "honest",
                address,
                ip,
                agent,
                language,
                joined,
                cast,
                finalist,
                proof=rng.random() > 0.002,
            )
        )
    return votes


def network_farm(rng, opens) -> list[Vote]:
    """60 accounts from one /24 in an hour, by a script: new addresses at big providers."""
    start = opens + timedelta(days=5, hours=22)
    votes = []
    for number in range(60):
        first, last = _name(rng)
        cast = start + timedelta(seconds=number * 60 + rng.randrange(30))
        domain = rng.choice(("gmail.com", "hotmail.com", "outlook.com"))
        address = f"{first}.{last}{rng.randint(100, 999)}@{domain}"
        votes.append(
            Vote(
                "farm",
                address,
                f"45.131.7.{rng.randint(1, 254)}",
                rng.choice(USER_AGENTS[:3]),
                "fi-FI,fi;q=0.9",
                cast - timedelta(seconds=rng.randint(8, 40)),
                cast,
                "B",
            )
        )
    return votes


def numbered_addresses(rng, opens) -> list[Vote]:
    """80 accounts at a catch-all domain over two days, from a home line and a phone."""
    start = opens + timedelta(days=8)
    votes = []
    for number in range(1, 81):
        cast = start + timedelta(seconds=rng.randrange(2 * 24 * 3600))
        ip = "84.249.31.17" if rng.random() < 0.5 else _mobile_ip(rng)
        votes.append(
            Vote(
                "numbered",
                f"aanestaja{number}@kotisivu-palvelu.fi",
                ip,
                USER_AGENTS[0],
                "fi-FI,fi;q=0.9",
                cast - _human_delay(rng),
                cast,
                "B",
            )
        )
    return votes


def slow_campaign(rng, opens) -> list[Vote]:
    """40 look-alike Gmail addresses over a week from mobile networks at a human pace: four
    made-up people with ten addresses each, and four addresses unlike any other."""
    bases = [("sanna", "koivisto"), ("mikko", "rinne"), ("laura", "aalto"), ("jari", "hakala")]
    locals_ = []
    for first, last in bases:
        for n in range(9):
            year = 1960 + rng.randrange(40)
            form = n % 3
            locals_.append(
                f"{first}.{last}.{year}"
                if form == 0
                else f"{first}{last}{year % 100}"
                if form == 1
                else f"{first[0]}.{first[1:]}.{last}{n}"
            )
    for _ in range(4):
        first, last = _name(rng)
        locals_.append(f"{first}.{last}.{rng.randint(100, 999)}")
    votes = []
    for local in locals_:
        cast = opens + timedelta(days=6) + timedelta(seconds=rng.randrange(7 * 24 * 3600))
        votes.append(
            Vote(
                "slow",
                f"{local}@gmail.com",
                _mobile_ip(rng),
                USER_AGENTS[0],
                "fi-FI,fi;q=0.9",
                cast - _human_delay(rng),
                cast,
                "B",
            )
        )
    return votes


def one_mailbox_each(votes: list[Vote]) -> None:
    """A mailbox votes once (voting.mailboxes): a second person whose address would fold
    into one already taken gets a digit, as a provider would have made them pick."""
    from voting.mailboxes import canonical_address

    taken = set()
    for vote in votes:
        local, _at, domain = vote.address.partition("@")
        number = 2
        while canonical_address(vote.address) in taken:
            vote.address = f"{local}{number}@{domain}"
            number += 1
        taken.add(canonical_address(vote.address))


def store(votes: list[Vote]):
    """The year, its finalists, and every voter and vote, as the site would have them."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from bench import fixtures
    from jury.models import Finalist
    from nominations.models import Nomination
    from voting.mailboxes import canonical_address
    from voting.models import Vote as VoteRow
    from voting.models import VoterMailbox
    from voting.services import device_of, network_of

    competition = fixtures.competition(days_since_opening=132, finalists_published=True)
    nominations = Nomination.objects.bulk_create(
        fixtures.nomination(competition, n) for n in range(len(FINALISTS))
    )
    chair = get_user_model().objects.create(username="chair", is_staff=True)
    finalists = {
        name: Finalist.objects.create(
            nomination=nomination, statement="-", order=n, shortlisted_by=chair
        )
        for n, (name, nomination) in enumerate(zip(FINALISTS, nominations, strict=True))
    }
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"voter-{n}", email=vote.address, date_joined=vote.joined)
        for n, vote in enumerate(votes)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=vote.address, primary=True, verified=True)
        for user, vote in zip(users, votes, strict=True)
    )
    VoterMailbox.objects.bulk_create(
        VoterMailbox(
            user=user,
            canonical=canonical_address(vote.address),
            code_without_proof_at=None if vote.proof else vote.joined,
        )
        for user, vote in zip(users, votes, strict=True)
    )
    rows = VoteRow.objects.bulk_create(
        VoteRow(
            competition=competition,
            voter=user,
            finalist=finalists[vote.finalist],
            network=network_of(vote.ip),
            device=device_of(vote.agent, vote.language),
        )
        for user, vote in zip(users, votes, strict=True)
    )
    for row, vote in zip(rows, votes, strict=True):  # cast_at is auto_now_add
        row.cast_at = vote.cast
    VoteRow.objects.bulk_update(rows, ["cast_at"], batch_size=1000)
    competition.voting_opens_at = min(vote.cast for vote in votes) - timedelta(hours=1)
    competition.save(update_fields=["voting_opens_at"])
    return competition, rows


def winner(votes: list[Vote]) -> str:
    counts = Counter(vote.finalist for vote in votes)
    ((name, count),) = counts.most_common(1)
    return f"{name} ({count} ääntä)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--honest", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    connection.settings_dict["TEST"]["NAME"] = "test_vote_integrity"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from voting.models import VoteCluster
        from voting.review import clusters_refresh

        # The vote of fixtures.competition(days_since_opening=132): opened 22 days ago.
        opens = timezone.now() - timedelta(days=22)
        votes = [
            *honest_votes(rng, args.honest, opens),
            *network_farm(rng, opens),
            *numbered_addresses(rng, opens),
            *slow_campaign(rng, opens),
        ]
        one_mailbox_each(votes)
        competition, rows = store(votes)
        clusters_refresh(competition)
        flagged = set(
            VoteCluster.votes.through.objects.filter(
                votecluster__competition=competition
            ).values_list("vote_id", flat=True)
        )
        kinds = Counter(
            VoteCluster.objects.filter(competition=competition).values_list("kind", flat=True)
        )
        by_group: dict[str, list[bool]] = {}
        for row, vote in zip(rows, votes, strict=True):
            by_group.setdefault(vote.group, []).append(row.pk in flagged)

        def share(groups) -> float:
            marks = [mark for group in groups for mark in by_group[group]]
            return 100 * sum(marks) / len(marks)

        print(
            f"{len(votes)} votes: {args.honest} honest, "
            + ", ".join(f"{len(by_group[g])} {g}" for g in ("farm", "numbered", "slow"))
        )
        print("clusters: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
        for group, title in (
            ("farm", "network farm (60 from one /24 in an hour)"),
            ("numbered", "numbered addresses (80 at a catch-all domain)"),
            ("slow", "slow campaign (40 look-alike Gmail over a week)"),
        ):
            print(f"  {title}: {share([group]):.1f} % flagged")
        honest_ids = {
            row.pk for row, vote in zip(rows, votes, strict=True) if vote.group == "honest"
        }
        honest_kinds = Counter(
            kind
            for kind, vote_id in VoteCluster.votes.through.objects.filter(
                votecluster__competition=competition
            ).values_list("votecluster__kind", "vote_id")
            if vote_id in honest_ids
        )
        print(
            f"  honest votes: {sum(by_group['honest'])} of {args.honest} flagged "
            f"({share(['honest']):.2f} %), by "
            + (", ".join(f"{kind} {n}" for kind, n in sorted(honest_kinds.items())) or "none")
        )
        kept = [vote for row, vote in zip(rows, votes, strict=True) if row.pk not in flagged]
        print(
            f"winner before removal: {winner(votes)}; after removing the flagged votes: "
            f"{winner(kept)}"
        )
        print(
            f"flagged: campaigns {share(['farm', 'numbered', 'slow']):.1f} %, "
            f"slow campaign {share(['slow']):.1f} %, honest votes {share(['honest']):.2f} %"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
