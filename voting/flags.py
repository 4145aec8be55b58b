"""Flags that find vote campaigns: each rule groups a year's votes into clusters with the
evidence for each. Pure functions of the votes' rows (``VoteRow``), so the same code runs on
the live vote (``review.clusters_refresh``) and in the simulation (bench/vote_integrity.py).

The thresholds are settings (``VOTE_FLAG_*``, documented in docs/OPERATIONS.md). A flag is
not a verdict: a cluster waits for staff's decision, and honest voters can land in one (an
office that votes together); the rules are tuned so that this is rare.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.utils import timezone

from voting.enums import ClusterKind


@dataclass(frozen=True)
class VoteRow:
    """What the flags read of one vote (its voter still on record)."""

    vote_id: int
    finalist_id: int
    cast_at: datetime
    joined_at: datetime  # when the voter's account was made: when they first asked for a code
    address: str  # the voter's mailbox in canonical form (voting.mailboxes)
    network: str  # keyed hash of the /24 or /48, "" when unknown
    device: str  # keyed hash of the browser's user agent and language, "" when unknown
    without_proof: bool  # a code was asked for without the proof-of-work step


@dataclass
class Found:
    kind: ClusterKind
    key: str
    label: str
    evidence: list[str] = field(default_factory=list)
    vote_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Thresholds:
    network_accounts: int
    network_minutes: int
    lookalike_accounts: int
    same_local_domains: int
    small_domain_votes: int
    shape_accounts: int
    domain_jump_votes: int
    domain_jump_factor: float
    quick_seconds: int
    quick_accounts: int
    device_accounts: int
    device_hours: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            network_accounts=settings.VOTE_FLAG_NETWORK_ACCOUNTS,
            network_minutes=settings.VOTE_FLAG_NETWORK_MINUTES,
            lookalike_accounts=settings.VOTE_FLAG_LOOKALIKE_ACCOUNTS,
            same_local_domains=settings.VOTE_FLAG_SAME_LOCAL_DOMAINS,
            small_domain_votes=settings.VOTE_FLAG_SMALL_DOMAIN_VOTES,
            shape_accounts=settings.VOTE_FLAG_SHAPE_ACCOUNTS,
            domain_jump_votes=settings.VOTE_FLAG_DOMAIN_JUMP_VOTES,
            domain_jump_factor=settings.VOTE_FLAG_DOMAIN_JUMP_FACTOR,
            quick_seconds=settings.VOTE_FLAG_QUICK_SECONDS,
            quick_accounts=settings.VOTE_FLAG_QUICK_ACCOUNTS,
            device_accounts=settings.VOTE_FLAG_DEVICE_ACCOUNTS,
            device_hours=settings.VOTE_FLAG_DEVICE_HOURS,
        )


def find_clusters(rows: list[VoteRow], *, opens_at: datetime, limits: Thresholds) -> list[Found]:
    """Every cluster the rules find in one year's votes, each with its votes and evidence."""
    found = [
        *_network_bursts(rows, opens_at, limits),
        *_lookalike_addresses(rows, limits),
        *_same_local_part(rows, limits),
        *_random_shapes(rows, limits),
        *_domain_jumps(rows, limits),
        *_quick_votes(rows, limits),
        *_one_device(rows, limits),
        *_without_proof(rows),
    ]
    return [cluster for cluster in found if cluster.vote_ids]


def _split(address: str) -> tuple[str, str]:
    local, _at, domain = address.rpartition("@")
    return local, domain


def _short(key: str) -> str:
    return key[:8]


def _clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m. klo %H.%M")


def _windows(rows: list[VoteRow], *, span: timedelta, at_least: int) -> list[list[VoteRow]]:
    """The runs of ``rows`` (sorted by time) with at least ``at_least`` votes within
    ``span`` of each other, merged where they overlap."""
    rows = sorted(rows, key=lambda row: row.cast_at)
    runs: list[list[VoteRow]] = []
    start = 0
    for end, row in enumerate(rows):
        while row.cast_at - rows[start].cast_at > span:
            start += 1
        if end - start + 1 >= at_least:
            window = rows[start : end + 1]
            if runs and runs[-1][-1].cast_at >= window[0].cast_at:
                runs[-1].extend(r for r in window if r not in runs[-1])
            else:
                runs.append(list(window))
    return runs


def _network_bursts(rows, opens_at, limits: Thresholds):
    """Many accounts made during the vote, voting from one network in a short time."""
    by_network = defaultdict(list)
    for row in rows:
        if row.network and row.joined_at >= opens_at:
            by_network[row.network].append(row)
    yield from _bursts(
        by_network,
        span=timedelta(minutes=limits.network_minutes),
        at_least=limits.network_accounts,
        found=lambda network: Found(ClusterKind.NETWORK, network, f"verkko {_short(network)}"),
        what="vasta tehtyä tiliä äänesti samasta verkosta",
        limit=f"raja {limits.network_accounts} tiliä {limits.network_minutes} minuutissa",
    )


def _bursts(groups: dict, *, span: timedelta, at_least: int, found, what: str, limit: str):
    """A cluster (``found(key)``) for each group of rows with runs of at least ``at_least``
    votes within ``span`` (``_windows``), one line of evidence a run."""
    for key, votes in groups.items():
        runs = _windows(votes, span=span, at_least=at_least)
        if not runs:
            continue
        cluster = found(key)
        for run in runs:
            cluster.vote_ids.update(row.vote_id for row in run)
            cluster.evidence.append(
                f"{len(run)} {what} {_clock(run[0].cast_at)}–{_clock(run[-1].cast_at)} ({limit})"
            )
        yield cluster


_NOT_LETTERS = re.compile(r"[\d._+-]")


def _lookalike_addresses(rows, limits: Thresholds):
    """Addresses at one domain that differ only by digits and punctuation: a1, a2, ... or
    liisa.k.1980, liisak81, ..."""
    groups = defaultdict(list)
    for row in rows:
        local, domain = _split(row.address)
        if domain:
            groups[(domain, _NOT_LETTERS.sub("", local))].append(row)
    for (domain, stem), votes in groups.items():
        if len(votes) < limits.lookalike_accounts:
            continue
        examples = ", ".join(sorted(row.address for row in votes)[:3])
        yield Found(
            ClusterKind.NUMBERED,
            f"{domain}|{stem}",
            f"{stem or '(numerot)'}…@{domain}",
            [
                f"{len(votes)} osoitetta verkkotunnuksessa {domain} eroaa toisistaan vain "
                f"numeroiltaan tai välimerkeiltään, esim. {examples} "
                f"(raja {limits.lookalike_accounts})"
            ],
            {row.vote_id for row in votes},
        )


def _same_local_part(rows, limits: Thresholds):
    """The same local part at many small domains (vote@a.fi, vote@b.fi, ...): someone with
    domains of their own. Two people called Matti Virtanen at two large employers are not
    that, so only domains with few votes count."""
    size = defaultdict(int)
    for row in rows:
        size[_split(row.address)[1]] += 1
    groups = defaultdict(list)
    for row in rows:
        local, domain = _split(row.address)
        if local and domain and size[domain] <= limits.small_domain_votes:
            groups[local].append(row)
    for local, votes in groups.items():
        domains = {_split(row.address)[1] for row in votes}
        if len(domains) < limits.same_local_domains:
            continue
        yield Found(
            ClusterKind.SAME_LOCAL,
            local,
            f"{local}@…",
            [
                f"Osoitteen alkuosa {local} äänesti {len(domains)} pienestä verkkotunnuksesta "
                f"(raja {limits.same_local_domains}; pieni: enintään "
                f"{limits.small_domain_votes} ääntä)"
            ],
            {row.vote_id for row in votes},
        )


_VOWELS = set("aeiouyåäö")


def looks_random(local: str) -> bool:
    """A local part no person would choose: letters and digits interleaved (k3j9x) or a long
    string with hardly a vowel (xkqzptwr)."""
    switches = sum(1 for a, b in pairwise(local) if a.isdigit() != b.isdigit())
    letters = [c for c in local if c.isalpha()]
    vowel_share = sum(c in _VOWELS for c in letters) / len(letters) if letters else 0.0
    return switches >= 3 or (len(letters) >= 8 and vowel_share < 0.2)


def _shape(local: str) -> str:
    return "".join("9" if c.isdigit() else "a" if c.isalpha() else c for c in local)


def _random_shapes(rows, limits: Thresholds):
    """Random strings of one shape at one domain."""
    groups = defaultdict(list)
    for row in rows:
        local, domain = _split(row.address)
        if domain and looks_random(local):
            groups[(domain, _shape(local))].append(row)
    for (domain, shape), votes in groups.items():
        if len(votes) < limits.shape_accounts:
            continue
        yield Found(
            ClusterKind.SHAPE,
            f"{domain}|{shape}",
            f"{shape}@{domain}",
            [
                f"{len(votes)} satunnaiselta näyttävää, samanmuotoista ({shape}) osoitetta "
                f"verkkotunnuksessa {domain} (raja {limits.shape_accounts})"
            ],
            {row.vote_id for row in votes},
        )


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _domain_jumps(rows, limits: Thresholds):
    """A domain whose votes in one hour are many, and many times its share of the rest of
    the vote: a news item lifts every domain alike, a campaign lifts one. The rest of the
    vote must have at least as many votes as the jump itself to compare with."""
    per_hour = defaultdict(int)
    per_domain_hour = defaultdict(list)
    per_domain = defaultdict(int)
    for row in rows:
        domain = _split(row.address)[1]
        hour = _hour(row.cast_at)
        per_hour[hour] += 1
        per_domain[domain] += 1
        per_domain_hour[(domain, hour)].append(row)
    total = len(rows)
    jumps = defaultdict(list)
    for (domain, hour), votes in per_domain_hour.items():
        if not domain or len(votes) < limits.domain_jump_votes:
            continue
        rest = total - per_hour[hour]
        if rest < limits.domain_jump_votes:
            continue  # hardly any vote outside this hour: nothing to jump from
        rest_share = (per_domain[domain] - len(votes)) / rest if rest else 0.0
        hour_share = len(votes) / per_hour[hour]
        if hour_share >= limits.domain_jump_factor * rest_share:
            jumps[domain].append((hour, votes, hour_share, rest_share))
    for domain, hours in jumps.items():
        cluster = Found(ClusterKind.DOMAIN_JUMP, domain, domain)
        for hour, votes, hour_share, rest_share in sorted(hours, key=lambda item: item[0]):
            cluster.vote_ids.update(row.vote_id for row in votes)
            cluster.evidence.append(
                f"{len(votes)} ääntä verkkotunnuksesta {domain} tunnissa {_clock(hour)}: "
                f"{100 * hour_share:.0f} % tunnin äänistä, muuten {100 * rest_share:.1f} %"
            )
        yield cluster


def _quick_votes(rows, limits: Thresholds):
    """From asking for a code to a vote in seconds, again and again from one network."""
    quick = timedelta(seconds=limits.quick_seconds)
    groups = defaultdict(list)
    for row in rows:
        if row.network and row.cast_at - row.joined_at < quick:
            groups[row.network].append(row)
    for network, votes in groups.items():
        if len(votes) < limits.quick_accounts:
            continue
        yield Found(
            ClusterKind.QUICK,
            network,
            f"verkko {_short(network)}",
            [
                f"{len(votes)} tiliä samasta verkosta äänesti alle {limits.quick_seconds} "
                f"sekunnissa koodin pyytämisestä (raja {limits.quick_accounts})"
            ],
            {row.vote_id for row in votes},
        )


def _one_device(rows, limits: Thresholds):
    """One browser (user agent and language) on one network, for many accounts in a day."""
    groups = defaultdict(list)
    for row in rows:
        if row.device and row.network:
            groups[(row.device, row.network)].append(row)
    yield from _bursts(
        groups,
        span=timedelta(hours=limits.device_hours),
        at_least=limits.device_accounts,
        found=lambda key: Found(ClusterKind.DEVICE, "|".join(key), f"selain {_short(key[0])}"),
        what="tiliä äänesti samalla selaimella samasta verkosta",
        limit=f"raja {limits.device_accounts} tiliä {limits.device_hours} tunnissa",
    )


def _without_proof(rows):
    """Votes whose sign-in code was asked for without the proof-of-work step."""
    votes = [row for row in rows if row.without_proof]
    if votes:
        yield Found(
            ClusterKind.NO_PROOF,
            "",
            "vuoden kaikki",
            [
                f"{len(votes)} äänestäjää pyysi kirjautumiskoodin ilman selaimen "
                "laskentatehtävää (JavaScript pois päältä tai ohjelma)"
            ],
            {row.vote_id for row in votes},
        )
