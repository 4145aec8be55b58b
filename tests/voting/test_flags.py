"""The flags on votes as rows: each rule finds its campaign, and ordinary voters beside it are
left alone (the whole synthetic vote is bench/vote_integrity.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from voting.enums import ClusterKind
from voting.flags import Thresholds, VoteRow, find_clusters, looks_random

OPENS = datetime(2027, 11, 1, 9, tzinfo=ZoneInfo("Europe/Helsinki"))
LIMITS = Thresholds(
    network_accounts=8,
    network_minutes=120,
    lookalike_accounts=4,
    same_local_domains=3,
    small_domain_votes=5,
    shape_accounts=4,
    domain_jump_votes=10,
    domain_jump_factor=5,
    quick_seconds=20,
    quick_accounts=3,
    device_accounts=5,
    device_hours=24,
)
_ids = iter(range(1, 100_000))


def row(address, *, at, network="", device="", joined=None, without_proof=False) -> VoteRow:
    return VoteRow(
        vote_id=next(_ids),
        finalist_id=1,
        cast_at=at,
        joined_at=joined or at - timedelta(seconds=90),
        address=address,
        network=network,
        device=device,
        without_proof=without_proof,
    )


def ordinary(count=40) -> list[VoteRow]:
    """People voting over two weeks, each from their own network and browser."""
    names = ["liisa.k", "matti.virtanen", "anna.korhonen", "pekka", "sari.m"]
    domains = ["gmail.com", "hel.fi", "elisanet.fi", "outlook.com"]
    return [
        row(
            f"{names[n % 5]}.{n}x@{domains[n % 4]}",
            at=OPENS + timedelta(hours=7 * n),
            network=f"net{n}",
            device=f"dev{n % 7}",
        )
        for n in range(count)
    ]


def clusters(rows):
    return find_clusters(rows, opens_at=OPENS, limits=LIMITS)


def kinds_of(found, rows) -> set:
    ids = {r.vote_id for r in rows}
    return {c.kind for c in found if c.vote_ids & ids}


def test_ordinary_voters_are_not_flagged():
    assert clusters(ordinary()) == []


def test_many_new_accounts_from_one_network_in_an_hour_are_one_cluster():
    farm = [
        row(
            f"person{chr(97 + n)}x@gmail.com",
            at=OPENS + timedelta(hours=1, minutes=5 * n),
            network="farm",
        )
        for n in range(10)
    ]
    found = clusters(ordinary() + farm)

    network = [c for c in found if c.kind == ClusterKind.NETWORK]
    assert len(network) == 1
    assert network[0].vote_ids == {r.vote_id for r in farm}
    assert "10 vasta tehtyä tiliä" in network[0].evidence[0]


def test_seven_from_one_network_or_old_accounts_are_not_a_burst():
    seven = [
        row(f"p{chr(97 + n)}q@gmail.com", at=OPENS + timedelta(minutes=5 * n), network="office")
        for n in range(7)
    ]
    old = [
        row(
            f"o{chr(97 + n)}q@gmail.com",
            at=OPENS + timedelta(minutes=5 * n),
            network="office2",
            joined=OPENS - timedelta(days=300),
        )
        for n in range(10)
    ]

    assert ClusterKind.NETWORK not in kinds_of(clusters(seven + old), seven + old)


def test_numbered_addresses_at_one_domain_are_one_cluster():
    numbered = [
        row(f"a{n}@catchall.example", at=OPENS + timedelta(hours=n), network=f"n{n}")
        for n in range(1, 6)
    ]
    found = [c for c in clusters(ordinary() + numbered) if c.kind == ClusterKind.NUMBERED]

    assert [c.vote_ids for c in found] == [{r.vote_id for r in numbered}]
    assert found[0].label == "a…@catchall.example"


def test_look_alike_gmail_addresses_are_one_cluster_but_three_are_not():
    alike = ["sannakoivisto1984", "sanna.koivisto.77", "sannakoivisto2", "s.anna.koivisto9"]
    rows = [
        row(f"{local.replace('.', '')}@gmail.com", at=OPENS + timedelta(days=n), network=f"m{n}")
        for n, local in enumerate(alike)
    ]

    assert ClusterKind.NUMBERED in kinds_of(clusters(rows), rows)
    assert ClusterKind.NUMBERED not in kinds_of(clusters(rows[:3]), rows[:3])


def test_the_same_local_part_at_small_domains_is_a_cluster_but_not_at_large_ones():
    own_domains = [
        row(f"aani@perhe{n}.example", at=OPENS + timedelta(days=n), network=f"s{n}")
        for n in range(3)
    ]
    # Three people called Matti Virtanen at three large employers.
    large = []
    for n, domain in enumerate(["hel.fi", "espoo.fi", "vantaa.fi"]):
        large.append(row(f"matti.virtanen@{domain}", at=OPENS + timedelta(days=n), network=f"l{n}"))
        large += [
            row(f"k{chr(97 + m)}{n}z@{domain}", at=OPENS + timedelta(hours=m), network=f"x{n}{m}")
            for m in range(6)
        ]

    assert ClusterKind.SAME_LOCAL in kinds_of(clusters(own_domains), own_domains)
    assert ClusterKind.SAME_LOCAL not in kinds_of(clusters(large), large)


@pytest.mark.parametrize(
    ("local", "random"),
    [("k3j9x2", True), ("xkqzptwrb", True), ("matti.virtanen", False), ("lindstrom", False)],
)
def test_what_looks_random(local, random):
    assert looks_random(local) is random


def test_random_strings_of_one_shape_are_a_cluster():
    rows = [
        row(f"{local}@mail.example", at=OPENS + timedelta(days=n), network=f"r{n}")
        for n, local in enumerate(["k3j9x2", "p7q2z8", "w4r1t6", "b9n3m5"])
    ]

    assert ClusterKind.SHAPE in kinds_of(clusters(rows), rows)


def test_a_domain_that_jumps_is_flagged_but_a_peak_of_every_domain_is_not():
    domains = ["gmail.com", "alfa.fi", "beta.fi"]
    spread = [
        row(f"v{n}w@{domains[n % 3]}", at=OPENS + timedelta(hours=n), network=f"g{n}")
        for n in range(1, 200)
    ]
    newsletter = [  # one hour lifts every domain alike
        row(f"u{n}w@{domains[n % 3]}", at=OPENS + timedelta(minutes=n), network=f"h{n}")
        for n in range(45)
    ]
    jump = [
        row(
            f"j{chr(97 + n)}q@yhdistys.fi",
            at=OPENS + timedelta(days=3, hours=0.5, minutes=n),
            network=f"j{n}",
        )
        for n in range(12)
    ]
    found = clusters(spread + newsletter + jump)

    jumped = [c for c in found if c.kind == ClusterKind.DOMAIN_JUMP]
    assert [c.key for c in jumped] == ["yhdistys.fi"]
    assert jumped[0].vote_ids == {r.vote_id for r in jump}


def test_a_vote_all_in_one_hour_has_no_jump_to_find():
    """A small vote cast in one hour (a seminar's audience) has nothing to compare a domain
    with: no domain of it jumps."""
    audience = [
        row(f"{name}@tyopaikka.fi", at=OPENS + timedelta(minutes=n), network=f"s{n}")
        for n, name in enumerate(
            [
                "aino",
                "eino",
                "helmi",
                "otto",
                "saara",
                "ville",
                "kaisa",
                "jussi",
                "liisa",
                "pekka",
                "maija",
                "toivo",
            ]
        )
    ]
    assert ClusterKind.DOMAIN_JUMP not in kinds_of(clusters(audience), audience)


def test_votes_seconds_after_the_code_again_and_again_from_one_network():
    quick = [
        row(
            f"q{chr(97 + n)}@gmail.com",
            at=OPENS + timedelta(days=n),
            network="script",
            joined=OPENS + timedelta(days=n, seconds=-5),
        )
        for n in range(3)
    ]

    assert ClusterKind.QUICK in kinds_of(clusters(quick), quick)
    assert ClusterKind.QUICK not in kinds_of(clusters(quick[:2]), quick[:2])


def test_one_browser_on_one_network_for_many_accounts_in_a_day():
    same = [
        row(
            f"d{chr(97 + n)}@gmail.com",
            at=OPENS + timedelta(hours=3 * n),
            network="home",
            device="phone",
        )
        for n in range(5)
    ]
    # The same common browser on five networks: thousands of people have it.
    spread = [
        row(
            f"e{chr(97 + n)}@gmail.com",
            at=OPENS + timedelta(hours=n),
            network=f"e{n}",
            device="phone",
        )
        for n in range(5)
    ]

    assert ClusterKind.DEVICE in kinds_of(clusters(same), same)
    assert ClusterKind.DEVICE not in kinds_of(clusters(spread), spread)


def test_votes_whose_code_was_asked_for_without_the_proof_of_work_are_flagged():
    rows = [*ordinary(5), row("ilman@example.fi", at=OPENS, without_proof=True)]

    found = clusters(rows)

    assert [(c.kind, len(c.vote_ids)) for c in found] == [(ClusterKind.NO_PROOF, 1)]
