"""A demo year in any phase, built the way a real year is: through the site's own services.

``demo_year_build(phase=…)`` resets the demo year and walks it forward: nominations while the
year takes them, then the panel's scores and a conflict, the chair's four finalists and their
statements, publication, the public's votes, the jury's decision and the published results,
stopping at the phase asked for. The dates are moved (``competition_retime_demo``) so that
each service runs in the phase it requires, and end up where the asked phase is now.

Demo accounts for staff, the chair and a juror sign in with a known password and a few
single-use second-factor codes (django-otp static tokens). They exist for development only:
building the demo is refused with DEBUG off, and such accounts cannot sign in then either
(``core.backends``). This module is part of the project's composition, the one floor
that may import every app (docs/DESIGN.md).
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive import services as archive_services
from archive.models import Award, AwardYear
from core.backends import DEMO_USERNAME_PREFIX
from core.enums import Phase
from core.models import Competition, Criterion
from core.services import (
    competition_mark_finalists_published,
)
from hyvakaytanto.demo_meeting import meet
from jury import services as jury_services
from jury.enums import JuryRole, Recognition
from jury.models import Finalist, JuryMember
from nominations.enums import Region
from nominations.models import Nomination, NominationDraft
from nominations.services import draft_save, nomination_submit
from voting import services as voting_services
from voting.mailboxes import canonical_address
from voting.models import Vote, VoterMailbox

DEMO_PREFIX = DEMO_USERNAME_PREFIX
# Published on purpose (printed for newcomers): such accounts cannot sign in with DEBUG off.
DEMO_PASSWORD = "hyva-kaytanto-demo"  # noqa: S105  # nosec B105
ACCOUNTS_FILE = Path(settings.BASE_DIR) / ".data" / "demo-accounts.txt"

# Practice models and their developers from THL's "Osallisuuden palaset" list.
DEMO_PRACTICES = [
    (
        "Aistien tila sosiaalityön ympäristönä",
        "Elämyksillä osaksi yhteiskuntaa -hanke (ELO)",
        Region.POHJOIS_SAVO,
    ),
    (
        "Ajankäytön riittävyys osallisuustyössä rakentaa luottamusta",
        "Opioidikorvaushoidossa olevien sosiaalisen osallisuuden vahvistamisen hanke (OK-hanke)",
        Region.VARSINAIS_SUOMI,
    ),
    (
        "Ammattilainen digipalvelujen asiakkaana -verkkovalmennus",
        "TiimiVerkko – Osallisuutta verkkovalmennuksesta -hanke",
        Region.KESKI_UUSIMAA,
    ),
    (
        "Asiakasosallisuusryhmät vammaispalvelujen yhteiskehittämisessä",
        "VamO-hanke: osallisuuden varmistaminen vammaissosiaalityön asiakasprosessissa",
        Region.PIRKANMAA,
    ),
    (
        "Asiakastyön menetelmäkorteilla osallisuutta",
        "VOITTO – Voimavaroja, toimintakykyä ja osallisuutta Lappiin",
        Region.LAPPI,
    ),
    (
        "Asuinalueen yhteiskehittäminen siltaustoiminnan avulla",
        "Työste – työelämävalmiuksien edistäminen siltaustoiminnan avulla -hanke",
        Region.PAIJAT_HAME,
    ),
    (
        "Avoin olohuone ilman vaatimusta päihteettömyydestä",
        "Otto – oma tulevaisuus -hanke",
        Region.HELSINKI,
    ),
    (
        "Digiohjauksella nuori palveluihin",
        "Diakonia-ammattikorkeakoulu, Nuorten digitaaliset tukipolut -hanke",
        Region.HELSINKI,
    ),
    (
        "Elävä Portfolio – oman osaamisen tunnistamisen prosessi",
        "LUmOaVA – Taidelähtöiset menetelmät osallisuuden ja osaamisen tukena",
        Region.KESKI_SUOMI,
    ),
    (
        "Hyvinvointia kioskista – avoin hyvinvoinnin arviointi-, ohjaus- ja tukipalvelu",
        "Hyvinvointikioski työ- ja toimintakyvyn vahvistajana -hanke",
        Region.ETELA_SAVO,
    ),
    (
        "Kiertävä kokous vaikuttamiskeinona terveydenhuollossa",
        "Opioidikorvaushoidossa olevien sosiaalisen osallisuuden vahvistamisen hanke (OK-hanke)",
        Region.VARSINAIS_SUOMI,
    ),
    (
        "Kokemusasiantuntijaraati",
        "Recovery-toimintaorientaatio mielenterveyspalveluissa -hanke",
        Region.POHJOIS_POHJANMAA,
    ),
]

# How good each practice is judged to be (the panel's scores scatter around it).
_QUALITY = [3.2, 2.6, 3.0, 4.4, 4.1, 2.9, 3.8, 3.5, 4.3, 2.4, 3.3, 3.9]
# The public's votes for the four finalists, in the order they were shortlisted.
_VOTES = [17, 23, 11, 8]
_COMMENTS = [
    "Selkeästi kuvattu ja helposti siirrettävä malli.",
    "Arviointi on ohut; vaikuttavuudesta toivoisi enemmän näyttöä.",
    "Asiakkaiden ääni kuuluu vahvasti.",
    "",
    "Hyvä esimerkki yhteiskehittämisestä.",
]


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
    alone can make it (no finalists or results: ``demo_year_build`` adds those).

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


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class DemoYear:
    competition: Competition
    accounts: tuple[DemoAccount, ...]
    draft_path: str = ""  # a nominator's unsent draft, during the nomination phase


def demo_allowed() -> bool:
    return settings.DEBUG


@transaction.atomic
def demo_year_build(*, phase: Phase) -> DemoYear:
    """Reset the demo year and build it up to ``phase`` (every phase, published included).

    Refused with DEBUG off: the demo's accounts have published passwords.
    """
    if not demo_allowed():
        raise ImproperlyConfigured("The demo year and its accounts exist only with DEBUG on.")
    accounts, users = _demo_accounts()
    competition = competition_set_up_demo(phase=Phase.NOMINATION)
    _reset(competition)
    if phase == Phase.DRAFT:
        competition_retime_demo(competition=competition, phase=Phase.DRAFT)
        return DemoYear(competition, accounts)

    nominations = _nominate(competition)
    seats = _seat_panel(competition, users)  # staff seat the panel while nominations come in
    if phase == Phase.NOMINATION:
        return DemoYear(competition, accounts, draft_path=_draft(competition))

    competition_retime_demo(competition=competition, phase=Phase.REVIEW)
    _score(seats, nominations, finished=phase != Phase.REVIEW)
    if phase == Phase.REVIEW:
        return DemoYear(competition, accounts)

    meet(competition, seats, users["chair"])
    finalists = _shortlist_and_publish(competition, nominations, users)
    competition_retime_demo(competition=competition, phase=Phase.VOTING)
    # Published the day before the vote opened, as a real year does.
    competition_mark_finalists_published(competition=competition, at=competition.voting_opens_at)
    _vote(finalists)
    if phase == Phase.VOTING:
        _spread_votes(competition)
        return DemoYear(competition, accounts)

    competition_retime_demo(competition=competition, phase=Phase.DELIBERATION)
    _spread_votes(competition)
    if phase == Phase.DELIBERATION:
        return DemoYear(competition, accounts)

    _decide(finalists, users["chair"])
    archive_services.results_publish(competition=competition, by=users["staff"])
    competition.refresh_from_db()
    return DemoYear(competition, accounts)


def _reset(competition: Competition) -> None:
    """Remove everything of the demo year but the year itself: nothing of a later phase
    remains when the demo moves back. (Votes, finalists and nominations protect each other
    from deletion, so they go in this order; the rest cascades.)"""
    Award.objects.filter(year__competition=competition).delete()
    AwardYear.objects.filter(competition=competition).delete()
    Vote.objects.filter(competition=competition).delete()
    Finalist.objects.filter(nomination__competition=competition).delete()
    Nomination.objects.filter(competition=competition).delete()
    NominationDraft.objects.filter(competition=competition).delete()
    JuryMember.objects.filter(competition=competition).delete()
    get_user_model().objects.filter(username__startswith=f"{DEMO_PREFIX}aanestaja").delete()


def _demo_accounts() -> tuple[tuple[DemoAccount, ...], dict]:
    """Staff, the chair and a juror who sign in with a password and a printed code, and two
    more jurors who only lend their scores. New codes at every build."""
    User = get_user_model()
    people = {
        "staff": ("viestinta", "Viestintä", "Viestintä (henkilökunta)", "Veera Virtanen"),
        "chair": ("puheenjohtaja", "Raati", "Raadin puheenjohtaja", "Pekka Mäkinen"),
        "juror": ("raati", "Raati", "Raadin jäsen", "Anna Korhonen"),
        "juror2": ("raati-2", "Raati", None, "Juha Nieminen"),
        "juror3": ("raati-3", "Raati", None, "Laura Hämäläinen"),
    }
    users, accounts = {}, []
    for key, (name, group, role, full_name) in people.items():
        first_name, last_name = full_name.split()
        user, _ = User.objects.update_or_create(
            username=f"{DEMO_PREFIX}{name}",
            defaults={
                "email": f"{DEMO_PREFIX}{name}@talentia.example",
                "is_staff": True,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        user.groups.set([Group.objects.get(name=group)])
        users[key] = user
        if role is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            continue
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="Demokoodit", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = tuple(f"{secrets.randbelow(10**6):06d}" for _ in range(5))
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        accounts.append(DemoAccount(role, user.username, DEMO_PASSWORD, codes))
    return tuple(accounts), users


def _nominate(competition: Competition) -> list[Nomination]:
    criteria = list(Criterion.objects.order_by("number"))
    nominations = []
    for number, (practice, organisation, region) in enumerate(DEMO_PRACTICES, start=1):
        submitted = nomination_submit(
            competition=competition,
            data={
                "practice_name": practice,
                "summary": f"{practice}: toimintamalli, jolla vahvistetaan heikoimmassa "
                "asemassa olevien osallisuutta.",
                "organisations": organisation,
                "region": region,
                "innokyla_url": "",
                "target_group": "Sosiaalipalvelujen asiakkaat ja työntekijät",
                "contact_name": f"Yhteyshenkilö {number}",
                "contact_title": "Kehittämispäällikkö",
                "contact_email": f"ehdottaja{number}@example.invalid",
                "contact_phone": "+358 40 000 0000",
            },
            answers={
                c.number: f"Miten {practice} täyttää kriteerin: {c.name_fi.lower()}."
                for c in criteria
            }
            | {4: "Malli on arvioitu Sokra-koordinaation arviointikehyksellä."},
        )
        nominations.append(submitted.nomination)
    return nominations


def _draft(competition: Competition) -> str:
    """A nomination half written, saved as a draft: its private link's path."""
    saved = draft_save(
        competition=competition,
        texts={
            "contact_name": "Demo Ehdottaja",
            "contact_email": "ehdottaja-luonnos@example.invalid",
            "practice_name": "Perhetyön digitaalinen kohtaamispaikka",
            "summary": "Perheet ja perhetyöntekijät tapaavat verkossa matalalla kynnyksellä.",
            "criterion_1": "Malli on otettu käyttöön kahdessa kunnassa ilman lisärahoitusta.",
        },
        contact_email="ehdottaja-luonnos@example.invalid",
    )
    return saved.draft.private_url(saved.token)


def _seat_panel(competition: Competition, users: dict) -> list[JuryMember]:
    organisations = ["Talentia", "Talentia", "Sosiaalialan osaamiskeskus", "Kuntaliitto"]
    keys = ["chair", "juror", "juror2", "juror3"]
    return [
        jury_services.juror_seat(
            seat=JuryMember(
                competition=competition,
                user=users[key],
                role=JuryRole.CHAIR if key == "chair" else JuryRole.MEMBER,
                organisation=organisation,
            )
        )
        for key, organisation in zip(keys, organisations, strict=True)
    ]


def _score(seats: list[JuryMember], nominations: list[Nomination], *, finished: bool) -> None:
    """Varied, realistic scores: each juror scatters around the practice's quality. The last
    juror declares a conflict with one practice; the demo juror has scored only half while
    the panel is still at work, so their list shows work to do."""
    rng = random.Random(2027)  # the same demo every time  # noqa: S311 - not for security
    criteria = list(Criterion.objects.order_by("number"))
    jury_services.conflict_declare(
        seat=seats[3], nomination=nominations[6], reason="Olen ollut mukana kehittämässä mallia."
    )
    for n, seat in enumerate(seats):
        for i, nomination in enumerate(nominations):
            if n == 3 and i == 6:
                continue  # the conflict
            if n == 1 and not finished and i % 2:
                continue  # the demo juror's unfinished half
            scores = {
                criterion.pk: jury_services.CriterionScore(
                    value=min(5, max(1, round(_QUALITY[i] + rng.uniform(-1.2, 1.2)))),
                    comment=rng.choice(_COMMENTS) if criterion.number == 1 else "",
                    # Some comments are meant for the nominee's feedback, some for the panel.
                    shared=rng.random() < 0.5,
                )
                for criterion in criteria
            }
            jury_services.score_save(seat=seat, nomination=nomination, scores=scores)
    for n, seat in enumerate(seats):
        if finished or n != 1:  # everyone but the demo juror, while the panel is at work
            jury_services.juror_mark_done(seat=seat)


def _shortlist_and_publish(competition, nominations, users) -> list[Finalist]:
    """The chair shortlists the four best by quality, writes their statements, and staff
    publish them (which e-mails every nominator)."""
    best = sorted(range(len(nominations)), key=lambda i: -_QUALITY[i])[:4]
    finalists = []
    for order, i in enumerate(best, start=1):
        finalist = jury_services.finalist_shortlist(nomination=nominations[i], by=users["chair"])
        practice = nominations[i].practice_name
        finalists.append(
            jury_services.finalist_set_statement(
                finalist=finalist,
                statement=(
                    f"{practice} on raadin mielestä esimerkillinen tapa tuoda asiakkaiden "
                    "kokemus palvelujen kehittämiseen. Malli on kuvattu selkeästi, sitä on "
                    "arvioitu, ja se on siirrettävissä muihin kuntiin ja järjestöihin."
                ),
                order=order,
                by=users["chair"],
            )
        )
    jury_services.finalists_publish(competition=competition, by=users["staff"])
    return finalists


_FIRST = ("aino", "eino", "helmi", "ilmari", "kaisa", "lauri", "maija", "niilo", "oona")
_LAST = ("aalto", "heino", "kallio", "laine", "mattila", "nurmi", "rantanen", "salo", "vainio")


def _voter_address(number: int) -> str:
    """A demo voter's address, a person's name: numbered addresses at one domain are what
    a campaign looks like, and the vote's review would hold them back."""
    first = _FIRST[number % len(_FIRST)]
    last = _LAST[(number // len(_FIRST)) % len(_LAST)]
    return f"{DEMO_PREFIX}{first}.{last}@example.invalid"


def _vote(finalists: list[Finalist]) -> None:
    User = get_user_model()
    number = 0
    for finalist, count in zip(finalists, _VOTES, strict=True):
        for _ in range(count):
            number += 1
            voter = User.objects.create(
                username=f"{DEMO_PREFIX}aanestaja{number}", email=_voter_address(number)
            )
            voter.set_unusable_password()
            voter.save(update_fields=["password"])
            EmailAddress.objects.create(user=voter, email=voter.email, verified=True, primary=True)
            VoterMailbox.objects.create(user=voter, canonical=canonical_address(voter.email))
            # Each from its own documentation-range address: the per-address limit holds.
            voting_services.vote_cast(
                voter=voter, finalist_id=finalist.pk, client_address=f"192.0.2.{number}"
            )


def _spread_votes(competition: Competition) -> None:
    """Stamp the demo's votes (all cast a moment ago) evenly over the vote's days so far, and
    each voter's sign-up a few minutes before their vote: the integrity report then reads as
    a real year does, with no vote outside the window (``vote_cast`` stamps the real now)."""
    start = competition.voting_opens_at
    end = min(competition.voting_closes_at, timezone.now())
    votes = list(Vote.objects.filter(competition=competition).select_related("voter"))
    for n, vote in enumerate(sorted(votes, key=lambda v: v.pk), start=1):
        vote.cast_at = start + (end - start) * n / (len(votes) + 1)
        vote.voter.date_joined = vote.cast_at - timedelta(minutes=3 + n % 7)
    Vote.objects.bulk_update(votes, ["cast_at"])
    get_user_model().objects.bulk_update([v.voter for v in votes], ["date_joined"])


def _decide(finalists: list[Finalist], chair) -> None:
    jury_services.finalist_decide(
        finalist=finalists[0],
        recognition=Recognition.WINNER,
        statement=(
            "Raati valitsi voittajaksi käytännön, joka on vienyt asiakkaiden osallisuuden "
            "palvelujen arkeen ja osoittanut vaikutuksensa arvioinnilla."
        ),
        by=chair,
    )
    jury_services.finalist_decide(
        finalist=finalists[2],
        recognition=Recognition.HONOURABLE_MENTION,
        statement="Kunniakirja rohkeasta ja helposti sovellettavasta kehittämistyöstä.",
        by=chair,
    )


def accounts_text(accounts: tuple[DemoAccount, ...], base_url: str, *, draft_path: str = "") -> str:
    """The demo accounts as printed by ``demo_data`` and ``python3 dev.py start``."""
    lines = [
        f"Demo accounts (development only), sign in at {base_url}/admin/ :",
        f"  password for all: {DEMO_PASSWORD}",
    ]
    for account in accounts:
        lines.append(
            f"  {account.role:<26} {account.username:<22} codes: {', '.join(account.codes)}"
        )
    lines.append("  Each code works once; `manage.py demo_data` makes new ones.")
    lines.append(
        f"Voters sign in at {base_url}/tili/kirjaudu/ with any address; the code is printed "
        "in this console."
    )
    if draft_path:
        lines.append(f"A nominator's unsent draft: {base_url}{draft_path}")
    return "\n".join(lines)
