"""The permission matrix: every address, as every role, with objects of this year and another.

Two years stand side by side: the demo year, built through the site's services in each phase,
and the year before it, whose panel has its own chair and juror and whose jury has decided but
not yet published. Every address the URL configuration and the admin registry list, and every
admin action, is requested as each of eight roles. Where an address names an object, it is
requested once with an object of each year. The answer must be what ``WHO_MAY`` below says:
opened (200, or a redirect elsewhere than to signing in) for the roles named, refused (403,
404, 405, or sent to sign in) for everyone else. No answer may be a 500. Every answer is also
read for what its reader must not see: nominators' contact data, voters' addresses, the jury's
statements and decisions before they are published, and the split of the vote while it runs.

An address or an action without a row in ``WHO_MAY`` fails the test: whoever adds a screen
says who may open it.
"""

import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, RequestFactory

from archive.certificates import CERTIFIED_KINDS
from core.enums import Phase
from core.models import Competition
from jury import services as jury_services
from jury.enums import JuryRole, Recognition, ShortlistRule
from jury.models import CalibrationText, Finalist, JuryMember
from nominations.models import Attachment, Nomination
from tests.addresses import SWEEP_REPORT, World, addresses
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import (
    ConflictFactory,
    FinalistFactory,
    JuryMemberFactory,
    ScoreFactory,
)
from tests.factories.nominations import AttachmentFactory, NominationFactory
from tests.factories.voting import VoteFactory
from voting.models import Vote

ROLES = (
    "anonymous",
    "voter",
    "unverified",  # this year's juror, signed in with a password but no second factor
    "juror",
    "chair",
    "other_juror",  # a juror of another year's panel
    "other_chair",
    "staff",  # communications staff (the Viestintä group)
)

# --- Who may open what ----------------------------------------------------------------------
# Roles of a panel ("juror", "chair") are relative: for an address with an object, the seat on
# the object's own year; for a list, a seat on any year. "seat" is a juror or the chair.

EVERYONE = {"anonymous", "voter", "unverified", "seat", "chair", "staff"}
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"seat", "chair", "staff"}  # signed in to the admin with both factors
NOBODY: set[str] = set()
STAFF = {"staff"}
CHAIR = {"chair"}
CHAIR_AND_STAFF = {"chair", "staff"}
SEAT = {"seat", "chair"}
# Public pages that answer every role alike: the phase decides (a form that is closed, a
# private link for whoever holds it), never who asks.
ALIKE = "alike"


class During:
    """Roles that may, only while the object's year is in one of ``phases``."""

    def __init__(self, roles: set[str], *phases: Phase):
        self.roles, self.phases = roles, phases

    def __call__(self, phase: Phase) -> set[str]:
        return self.roles if phase in self.phases else NOBODY


AFTER_THE_VOTE = (Phase.DELIBERATION, Phase.PUBLISHED)


class UntilPublished:
    """A seat's roles open the jury's screens until the year's results are published; ``also``
    (staff) may whatever the phase."""

    def __init__(self, roles: set[str], also: set[str] = NOBODY):
        self.roles, self.also = roles, also

    def __call__(self, phase: Phase) -> set[str]:
        return self.also | (NOBODY if phase == Phase.PUBLISHED else self.roles)


OPEN_SEAT = UntilPublished(SEAT)
OPEN_CHAIR = UntilPublished(CHAIR)
OPEN_CHAIR_AND_STAFF = UntilPublished(CHAIR, also=STAFF)
OPEN_SEAT_AND_STAFF = UntilPublished(SEAT, also=STAFF)

WHO_MAY: dict[str, object] = {
    # The public site.
    "home": ALIKE,
    "privacy": ALIKE,
    "theme_stylesheet": ALIKE,
    "archive:index": ALIKE,
    "archive:year": ALIKE,
    "archive:results": ALIKE,
    "nominations:nominate": ALIKE,
    "nominations:resend": ALIKE,
    "nominations:draft_autosave_new": ALIKE,
    "nominations:draft": ALIKE,
    "nominations:draft_autosave": ALIKE,
    "nominations:detail": ALIKE,
    "nominations:edit": ALIKE,
    "nominations:withdraw": ALIKE,
    "nominations:attachment": ALIKE,
    # An attachment by its number alone: only staff who read nominations.
    "nominations:attachment_download": STAFF,
    # An invitation's link works for whoever holds it (the invitee), whoever else is signed in.
    "jury:invitation": ALIKE,
    "voting:finalists": ALIKE,
    "voting:finalist": ALIKE,
    "voting:finalist_image": ALIKE,
    "voting:confirm": SIGNED_IN,  # the vote's confirmation asks the anonymous to sign in
    "voting:vote": NOBODY,  # a POST only
    "voting:sign_in": ALIKE,
    "voting:rules": ALIKE,
    # Where the e-mail asking to confirm a vote leads: a voter's, who signs in again.
    "voting:confirm_vote": {"voter"},
    "proof_challenge": ALIKE,  # the sign-in's proof-of-work challenge
    "voting:account": SIGNED_IN,
    # The public account's deletion is for voters; staff and jurors have other accounts.
    "voting:account_delete": {"voter"},
    "account_login": ALIKE,
    "account_request_login_code": ALIKE,
    "account_confirm_login_code": SIGNED_IN,  # nobody's code is pending for the anonymous
    "account_signup": NOBODY,  # an account is made by asking for a code
    "account_email": ALIKE,
    "account_email_verification_sent": SIGNED_IN,
    "account_inactive": ALIKE,
    "account_logout": ALIKE,
    "account_reauthenticate": ADMIN,  # an account with a password
    # The admin's own pages.
    "admin:login": EVERYONE - {"unverified"},  # a password alone leads to the second step
    "admin:second_factor": {"unverified"} | ADMIN,
    "admin:logout": {"anonymous", "voter", "unverified"},  # a POST for those signed in
    "admin:index": ADMIN,
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:recovery_codes": ADMIN,  # one's own recovery codes
    "admin:jsi18n": ADMIN,
    "admin:autocomplete": NOBODY,  # only with a field's parameters
    "admin:app_list:auth": STAFF,
    "admin:app_list:hyvakaytanto": STAFF,
    "admin:app_list:nominations": STAFF,
    "admin:app_list:jury": OPEN_SEAT_AND_STAFF,
    "admin:app_list:voting": STAFF,  # the count after the vote, voters' requests
    "admin:app_list:archive": STAFF,
    "admin:app_list:otp_totp": NOBODY,
    "admin:app_list:otp_static": NOBODY,
    "admin:app_list:axes": NOBODY,
    "admin:app_list:account": NOBODY,
    "admin:app_list:procrastinate": NOBODY,
}
# Accounts, devices, sign-in records and the queue: superusers only.
for _model in (
    "auth_group",
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "account_emailaddress",
    "procrastinate_procrastinatejob",
):
    for _view in ("changelist", "add", "change", "history", "delete"):
        WHO_MAY[f"admin:{_model}_{_view}"] = NOBODY
WHO_MAY |= {
    "admin:otp_totp_totpdevice_config": NOBODY,  # no page shows another account's key
    "admin:otp_totp_totpdevice_qrcode": NOBODY,
    "action:account.emailaddress.make_verified": NOBODY,
    "action:axes.accessattempt.cleanup_expired_attempts": NOBODY,
    "action:procrastinate.procrastinatejob.abort": NOBODY,
    "action:procrastinate.procrastinatejob.cancel": NOBODY,
    "action:procrastinate.procrastinatejob.retry": NOBODY,
    # Staff read staff and jurors' accounts and switch them off; "add" leads to an invitation.
    # Nobody but a superuser sets another's password.
    "admin:auth_user_changelist": STAFF,
    "admin:auth_user_change": STAFF,
    "admin:auth_user_history": STAFF,
    "admin:auth_user_add": STAFF,
    "admin:auth_user_delete": NOBODY,
    "admin:auth_user_password_change": NOBODY,
    "action:auth.user.deactivate": STAFF,
}
# The year, its texts and the site: staff.
for _model, views in {
    # A year with anything attached answers with the refusal's reason (a redirect to its page);
    # an empty one with the confirmation. Both are staff's.
    "hyvakaytanto_competition": {
        "changelist": STAFF,
        "add": STAFF,
        "change": STAFF,
        "delete": STAFF,
        "next": STAFF,  # "Luo seuraava kilpailuvuosi"
    },
    "hyvakaytanto_criterion": {"changelist": STAFF, "change": STAFF},
    "hyvakaytanto_auditevent": {"changelist": STAFF, "change": STAFF},
    "hyvakaytanto_outgoingemail": {"changelist": STAFF, "change": STAFF},
    "hyvakaytanto_sitesettings": {"changelist": STAFF, "change": STAFF},
    "nominations_nomination": {"changelist": STAFF, "change": STAFF, "export": STAFF},
    "nominations_nominationdraft": {"changelist": STAFF, "change": STAFF},
    # Past years are entered by hand too (or imported: docs/OPERATIONS.md).
    "archive_awardyear": {"changelist": STAFF, "change": STAFF, "add": STAFF},
    "archive_award": {"changelist": STAFF, "change": STAFF, "add": STAFF, "certificate": STAFF},
    "archive_resultspublication": {"changelist": STAFF, "change": STAFF},
    "jury_feedbackround": {"changelist": STAFF, "change": STAFF, "send": STAFF},
    "jury_score": {"changelist": STAFF, "change": STAFF, "simple_history": STAFF},
    "jury_conflictofinterest": {"changelist": STAFF, "change": STAFF, "simple_history": STAFF},
    # The jury's own screens. A panel's rows are its own year's, for its own seats.
    "jury_scoringnomination": {
        "changelist": OPEN_SEAT,
        "change": OPEN_SEAT,  # the scoring screen
        "done": OPEN_SEAT,
        "calibration": OPEN_SEAT,
        "attachment": OPEN_SEAT,
        "history": NOBODY,
    },
    # The ranking is a list and a report: no page per nomination (contact data is staff's).
    "jury_rankingentry": {
        "changelist": OPEN_CHAIR_AND_STAFF,
        "reliability": OPEN_CHAIR_AND_STAFF,
        "change": NOBODY,
        "history": NOBODY,
    },
    # Calibration texts: the year's chair writes them while the year runs.
    "jury_calibrationtext": {
        "changelist": OPEN_CHAIR,
        "add": OPEN_CHAIR,
        "change": OPEN_CHAIR,
        "delete": OPEN_CHAIR,
        "history": OPEN_CHAIR,
    },
    # The jury's meeting: one page for the year's panel; the chair's changes are its POSTs.
    "jury_agendaitem": {"changelist": OPEN_SEAT, "change": NOBODY, "history": NOBODY},
    # Invitations to the jury and staff: staff's; a sent one is not edited, only resent.
    "jury_invitation": {"changelist": STAFF, "add": STAFF, "change": STAFF},
    "jury_jurymember": {
        "changelist": OPEN_CHAIR_AND_STAFF,
        "change": OPEN_CHAIR_AND_STAFF,
        "add": STAFF,
        "delete": STAFF,
    },
    "jury_finalist": {
        "changelist": OPEN_CHAIR_AND_STAFF,
        "change": OPEN_CHAIR_AND_STAFF,
        "simple_history": OPEN_CHAIR_AND_STAFF,
        "decide_one": During(CHAIR, Phase.DELIBERATION),
    },
    # The count and its report, only once the vote has closed; no history page.
    # A voter's request to see or erase their data.
    "voting_votermailbox": {"changelist": STAFF, "change": STAFF},
    # The vote's review: clusters and decisions, during the vote and after; the year's rules.
    "voting_votecluster": {"changelist": STAFF, "change": STAFF},
    "voting_votingrules": {"changelist": STAFF, "add": STAFF, "change": STAFF},
    "voting_votetally": {
        "changelist": STAFF,
        "change": During(STAFF, *AFTER_THE_VOTE),
        "history": NOBODY,
    },
}.items():
    for _view in ("changelist", "add", "change", "history", "delete"):
        rule = views.get(_view, NOBODY)
        if _view == "history" and "history" not in views:
            rule = views.get("change", NOBODY)  # a row's history: whoever sees the row
        WHO_MAY[f"admin:{_model}_{_view}"] = rule
    for _view, rule in views.items():
        WHO_MAY[f"admin:{_model}_{_view}"] = rule
WHO_MAY |= {
    # Actions: the preview is the action, so it needs the action's permission.
    "action:hyvakaytanto.outgoingemail.resend": STAFF,
    "action:nominations.nomination.mark_ineligible": STAFF,
    "action:nominations.nomination.export_contact_data": STAFF,
    "action:nominations.nomination.erase_contact_data": STAFF,
    "action:nominations.nominationdraft.export_contact_data": STAFF,
    "action:nominations.nominationdraft.erase_drafts": STAFF,
    "action:jury.rankingentry.shortlist": During(CHAIR, Phase.NOMINATION, Phase.REVIEW),
    "action:jury.rankingentry.export_csv": OPEN_CHAIR_AND_STAFF,
    "action:jury.rankingentry.export_xlsx": OPEN_CHAIR_AND_STAFF,
    "action:jury.jurymember.remind": OPEN_CHAIR,
    "action:jury.jurymember.reopen": OPEN_CHAIR,
    "action:jury.finalist.publish": STAFF,
    "action:jury.invitation.resend": STAFF,
    "action:jury.invitation.revoke": STAFF,
    "action:jury.finalist.unshortlist": During(CHAIR, Phase.NOMINATION, Phase.REVIEW),
    "action:jury.finalist.decide": During(CHAIR, Phase.DELIBERATION),
    "action:voting.votermailbox.export_voter_data": STAFF,
    "action:voting.votermailbox.erase_voter": STAFF,
    "action:archive.resultspublication.publish": STAFF,
    "action:archive.resultspublication.unpublish": STAFF,
}


def _relative(role: str, object_year: str | None) -> set[str]:
    """The tokens of ``WHO_MAY`` that ``role`` holds for an object of ``object_year`` ("this",
    "other" or None for an address without a year)."""
    if role in {"anonymous", "voter", "unverified", "staff"}:
        return {role}
    own_year = "other" if role.startswith("other_") else "this"
    if object_year is not None and object_year != own_year:
        return set()
    return {"seat", "chair"} if role.endswith("chair") else {"seat"}


# --- What each role must not read -----------------------------------------------------------

OTHER_PHONE = "+358 50 111 2222"
CONTACT = re.compile(
    r"ehdottaja[\w.-]*@|Yhteyshenkilö \d|Maija Meikäläinen|\+358 40 000 0000|\+358 50 111 2222"
)
VOTER_ADDRESS = re.compile(r"[\w.-]*aanestaja[\w.-]*@")
SECRET_THIS = "LUOTTAMUKSELLINEN-TAMA-VUOSI"
SECRET_OTHER = "LUOTTAMUKSELLINEN-TOINEN-VUOSI"


def leaks(role: str, name: str, body: str, *, running_count, own_address: str) -> list[str]:
    found = []
    token_page = name.startswith("nominations:") and name != "nominations:nominate"
    if role != "staff" and not token_page and CONTACT.search(body):
        found.append(f"contact data ({CONTACT.search(body).group(0)})")
    if role != "staff":
        for match in VOTER_ADDRESS.finditer(body):
            if not own_address.startswith(match.group(0)):  # one's own address is one's own
                found.append(f"a voter's address ({match.group(0)})")
                break
    if role not in {"chair", "staff"} and SECRET_THIS in body:
        found.append("this year's unpublished statement")
    if role not in {"other_chair", "staff"} and SECRET_OTHER in body:
        found.append("the other year's unpublished decision")
    if running_count and running_count.search(body):
        found.append("this year's count while the vote runs")
    return found


SIGN_IN_PATHS = ("/admin/login/", "/admin/vahvistus/", "/tili/kirjaudu/")


def outcome(response, *, names_a_row: bool = False) -> str:
    """What a person would see: the page ("opened"), or a refusal. Django's admin answers a
    row the user may not see with the admin's home and "does not exist": a refusal."""
    if response.status_code >= 500:
        return "500"
    if response.status_code in {401, 403, 404, 405, 410}:
        return "refused"
    if response.status_code in {301, 302, 303, 307, 308}:
        target = response["Location"]
        if (names_a_row and target == "/admin/") or any(p in target for p in SIGN_IN_PATHS):
            return "refused"
        return "opened"
    return "opened"


# --- The two years --------------------------------------------------------------------------


def _secret_statements(competition: Competition, phase: Phase, chair) -> None:
    """The chair's unpublished words in this year: the shortlist's statements while the jury
    reviews, the decision's statement while it deliberates."""
    if phase == Phase.REVIEW:
        for order, nomination in enumerate(Nomination.objects.filter(competition=competition)[:4]):
            finalist = jury_services.finalist_shortlist(
                nomination=nomination, by=chair, confirmed=ShortlistRule.values
            )
            jury_services.finalist_set_statement(
                finalist=finalist, statement=f"{SECRET_THIS} {order}", order=order + 1, by=chair
            )
    if phase == Phase.DELIBERATION:
        finalist = Finalist.objects.filter(nomination__competition=competition).first()
        jury_services.finalist_decide(
            finalist=finalist, recognition=Recognition.WINNER, statement=SECRET_THIS, by=chair
        )


def other_year(year: int) -> dict:
    """The year before, deliberating: its own panel, nominations, scores, a conflict, finalists
    with published statements and a decision not yet published, and votes."""
    competition = CompetitionFactory(year=year, deliberation=True)
    chair = JuryMemberFactory(competition=competition, chair=True)
    juror = JuryMemberFactory(competition=competition)
    nominations = NominationFactory.create_batch(
        3, competition=competition, contact_phone=OTHER_PHONE
    )
    AttachmentFactory(nomination=nominations[0])
    for seat in (chair, juror):
        for nomination in nominations[:2]:
            ScoreFactory(juror=seat, nomination=nomination)
    ConflictFactory(juror=juror, nomination=nominations[2])
    winner = FinalistFactory(
        nomination=nominations[0],
        recognition=Recognition.WINNER,
        recognition_statement=SECRET_OTHER,
        shortlisted_by=chair.user,
    )
    FinalistFactory(nomination=nominations[1], shortlisted_by=chair.user)
    for n in range(2):
        VoteFactory(
            finalist=winner,
            competition=competition,
            voter__email=f"aanestaja-matriisi{n}@example.invalid",
        )
    return {"competition": competition, "chair": chair.user, "juror": juror.user}


# Which year an object belongs to, for each model an address can name.
YEAR_OF = {
    "hyvakaytanto.competition": "pk",
    "nominations.nomination": "competition",
    "nominations.nominationdraft": "competition",
    "jury.scoringnomination": "competition",
    "jury.rankingentry": "competition",
    "jury.jurymember": "competition",
    "jury.invitation": "competition",
    "jury.calibrationtext": "competition",
    "jury.finalist": "nomination__competition",
    "jury.feedbackround": "pk",
    "jury.score": "nomination__competition",
    "jury.conflictofinterest": "nomination__competition",
    "voting.votetally": "pk",
    "archive.awardyear": "competition",
    "archive.award": "year__competition",
    "archive.resultspublication": "pk",
}


MISSING = "987654321"


# The rows an address is asked with, where not every row has the page (a certificate).
ROWS = {"archive.award": {"kind__in": CERTIFIED_KINDS}}


class TwoYears(World):
    """The sweep's world, with one object of each year for every address that names one."""

    def __init__(self, this: Competition, other: Competition):
        super().__init__()
        self.this, self.other = this, other
        self.years = {}  # url -> "this" / "other"

    def values(self, name, kwarg, model):
        if model is None:
            return super().values(name, kwarg, model)
        label = model._meta.label_lower
        if kwarg == "competition_id":
            return [self.this.pk, self.other.pk]
        if kwarg == "nomination_id":
            return [self.nomination.pk]
        if kwarg == "attachment_id":
            return [self.attachment.pk]
        if kwarg in {"object_id", "pk", "id"} and label not in YEAR_OF:
            # Every row's address is also asked with a number no row has.
            return [*super().values(name, kwarg, model), MISSING]
        if kwarg in {"object_id", "pk", "id"} and label in YEAR_OF:
            path = YEAR_OF[label]
            found = []
            for year in (self.this, self.other):
                pk = (
                    model._default_manager.filter(**{path: year.pk}, **ROWS.get(label, {}))
                    .order_by("-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
                if pk is not None:
                    found.append(str(pk))
            return [*found, MISSING]
        return super().values(name, kwarg, model)


def year_of(model, url: str, this: Competition, other: Competition) -> str | None:
    """Which year the object an address names belongs to, read back from the database;
    "missing" for a number no row has."""
    if MISSING in url:
        return "missing"
    if model is None or model._meta.label_lower not in YEAR_OF:
        return None
    numbers = [int(n) for n in re.findall(r"/(\d+)/", url)]
    if not numbers:
        return None
    path = YEAR_OF[model._meta.label_lower]
    manager = model._default_manager
    field = path if path != "pk" else "pk"
    if "history/" in url and url.rstrip("/").split("/")[-2] == "history":
        # A simple-history version: the row it is a version of.
        version = model.history.filter(history_id=numbers[-1]).first()
        pk = getattr(version, model._meta.pk.attname) if version else numbers[0]
    elif any(part in url for part in ("/luotettavuus/", "/laheta/", "/export/")):
        return "this" if numbers[0] == this.pk else "other"  # a year's own address
    else:
        pk = numbers[0]
    value = manager.filter(pk=pk).values_list(field if path != "pk" else "pk", flat=True).first()
    if value is None:
        return None
    return "this" if value == this.pk else "other"


def clients_for(this: Competition, other: dict, voter) -> dict[str, Client]:
    # By user name: "juror" is the demo's raati, who has a password; "unverified" raati-2.
    seats = (
        JuryMember.objects.filter(competition=this)
        .select_related("user")
        .order_by("user__username")
    )
    chair = next(s.user for s in seats if s.role == JuryRole.CHAIR)
    jurors = [s.user for s in seats if s.role != JuryRole.CHAIR]
    staff = get_user_model().objects.get(username__endswith="viestinta")
    clients = {"anonymous": Client(raise_request_exception=False)}
    clients["voter"] = Client(raise_request_exception=False)
    clients["voter"].force_login(voter)
    clients["unverified"] = Client(raise_request_exception=False)
    clients["unverified"].force_login(jurors[1])
    for role, user in {
        "juror": jurors[0],
        "chair": chair,
        "other_juror": other["juror"],
        "other_chair": other["chair"],
        "staff": staff,
    }.items():
        clients[role] = admin_login(Client(raise_request_exception=False), user)
    return clients


def requested(client, url, method="get", data=None):
    """The answer; anything a request changed is rolled back, so the next one sees the same
    two years."""
    sid = transaction.savepoint()
    try:
        return getattr(client, method)(url, data or {})
    finally:
        transaction.savepoint_rollback(sid)


PHASES = [Phase.NOMINATION, Phase.REVIEW, Phase.VOTING, Phase.DELIBERATION, Phase.PUBLISHED]


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_every_role_opens_only_what_it_may(db, settings, phase):
    settings.DEBUG = True
    call_command("demo_data", "--phase", phase.value, stdout=StringIO())
    this = Competition.objects.order_by("-year").first()
    chair = JuryMember.objects.get(competition=this, role=JuryRole.CHAIR).user
    _secret_statements(this, phase, chair)
    other = other_year(this.year - 1)
    vote = Vote.objects.filter(competition=this).select_related("voter").first()
    voter = vote.voter if vote else other["competition"].votes.first().voter
    for year in (this, other["competition"]):  # one calibration text a year
        CalibrationText.objects.create(
            competition=year, title="Esimerkki", text="Esimerkki.", reference={"1": 3}
        )
    clients = clients_for(this, other, voter)
    world = TwoYears(this, other["competition"])
    if not Attachment.objects.filter(nomination=world.nomination).exists():
        world.attachment = AttachmentFactory(nomination=world.nomination)

    wrong, errors, leaked, unlisted, count = [], [], [], set(), 0

    # While the vote runs, this year's count in a cell of its own is what must not show.
    total = Vote.objects.filter(competition=this).count()
    running = re.compile(rf"<td>\s*{total}\s*</td>") if phase == Phase.VOTING else None
    phases = {"this": phase, "other": Phase.DELIBERATION, None: phase, "missing": phase}

    def judge(role, name, url, response, object_year, rule, alike):
        nonlocal count
        count += 1
        result = outcome(response, names_a_row=bool(re.search(r"/\d+/", url)))
        if result == "500":
            errors.append(f"{role} {url}: 500")
            return
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        for what in leaks(role, name, text, running_count=running, own_address=voter.email):
            leaked.append(f"{role} {url}: {what}")
        if rule is None:
            return
        if rule == ALIKE:
            alike.add(result)
            return
        if callable(rule):
            # An address without a year answers by the phase of the role's own year.
            own_year = "other" if role.startswith("other_") else "this"
            rule = rule(phases[object_year if object_year is not None else own_year])
        allowed = object_year != "missing" and bool(_relative(role, object_year) & rule)
        if allowed != (result == "opened"):
            wanted = "opened" if allowed else "refused"
            where = f"{object_year} year's object" if object_year else "no year"
            wrong.append(f"{role} {url} ({where}): {result} ({response.status_code}), not {wanted}")

    def judge_alike(url, alike):
        if len(alike) > 1:
            wrong.append(f"{url}: answers roles differently ({', '.join(sorted(alike))})")

    factory = RequestFactory()
    superuser = get_user_model().objects.create_superuser("matriisi", "m@talentia.example")
    for url, name, model in addresses(world):
        key = f"{name}:{url.strip('/').split('/')[-1]}" if name == "admin:app_list" else name
        rule = WHO_MAY.get(key)
        if rule is None:
            unlisted.add(key)
        object_year = year_of(model, url, this, other["competition"])
        alike = set()
        for role, client in clients.items():
            judge(role, key, url, requested(client, url), object_year, rule, alike)
        judge_alike(url, alike)
        # Every admin action, with this year's and the other year's rows selected.
        if name.startswith("admin:") and name.endswith("_changelist") and model is not None:
            request = factory.get(url)
            request.user = superuser
            label = model._meta.label_lower
            for action in admin.site._registry[model].get_actions(request):
                if action == "delete_selected":
                    continue
                key = f"action:{label}.{action}"
                action_rule = WHO_MAY.get(key)
                if action_rule is None:
                    unlisted.add(key)
                for year_name, year in (("this", this), ("other", other["competition"])):
                    rows = model._default_manager.all()
                    if label in YEAR_OF:
                        rows = rows.filter(**{YEAR_OF[label]: year.pk})
                    pks = list(rows.values_list("pk", flat=True)[:20])
                    if not pks:
                        continue
                    data = {"action": action, "_selected_action": pks}
                    for role, client in clients.items():
                        response = requested(client, url, "post", data)
                        judge(role, key, f"{url} {action}", response, year_name, action_rule, set())

    SWEEP_REPORT.append(
        f"permission matrix ({phase.value}): {count} requests "
        f"(addresses and actions × {len(ROLES)} roles × this and another year's objects)"
    )
    problems = errors + leaked + wrong
    if unlisted:
        problems.append("No row in WHO_MAY for: " + ", ".join(sorted(unlisted)))
    assert not problems, "\n".join(problems)
