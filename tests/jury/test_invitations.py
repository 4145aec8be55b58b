"""Accounts by invitation: staff invite a juror, the chair or a colleague; the invitee sets a
password and an authenticator app through a one-time link and lands on their own screen."""

import base64
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from core.models import AuditEvent, Competition
from jury import services
from jury.enums import InvitationRole
from jury.models import Invitation, JuryMember
from tests.admin_login import admin_login
from tests.factories.hyvakaytanto import CompetitionFactory
from tests.factories.jury import JuryMemberFactory, StaffUserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Kesäranta-ilta-2028"


def invite(client, staff, competition, **fields):
    """Staff fill in "Lisää kutsu" and the worker sends the e-mail; the link in it."""
    admin_login(client, staff)
    data = {
        "first_name": "Aino",
        "last_name": "Arvioija",
        "email": "aino.arvioija@example.fi",
        "role": InvitationRole.JUROR,
        "competition": competition.pk if competition else "",
        "organisation": "Talentia",
        **fields,
    }
    return client.post(reverse("admin:jury_invitation_add"), data)


def link_in(message) -> str:
    return re.search(r"https?://\S+/kutsu/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def secret_on(response) -> bytes:
    text = re.search(r'class="second-factor-secret">([A-Z2-7 ]+)<', response.content.decode())
    secret = text.group(1).replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def accept(client, link: str, *, password: str = PASSWORD):
    """The invitee's two steps; the response after the code."""
    client.logout()
    client.post(link, {"password1": password, "password2": password})
    enrol = client.get(link)
    return client.post(link, {"code": f"{totp(secret_on(enrol)):06d}"})


@pytest.fixture
def invited(client, staff, this_year, delivering):
    with delivering() as outbox:
        response = invite(client, staff, this_year)
    assert response.status_code == 302, text_of(response)
    (message,) = outbox
    return path_of(link_in(message)), message


def test_an_invited_juror_sets_a_password_and_an_app_and_lands_on_the_scoring_screen(
    client, invited, this_year
):
    link, message = invited
    assert message.to == ["aino.arvioija@example.fi"]
    assert f"vuoden {this_year.year} raatiin" in message.body

    page = client.get(link)
    assert "Vaihe 1/2" in text_of(page)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    enrol = client.get(link)
    assert "Vaihe 2/2" in text_of(enrol)
    done = client.post(link, {"code": f"{totp(secret_on(enrol)):06d}"}, follow=True)

    # The recovery codes, once, then on to their own screen: the nominations to score.
    codes = re.findall(r"<code>(\d{4} \d{4})</code>", done.content.decode())
    assert len(codes) == 10
    onward = client.get(reverse("admin:index"), follow=True)
    assert onward.redirect_chain[-1][0] == reverse("admin:jury_scoringnomination_changelist")
    user = User.objects.get(email="aino.arvioija@example.fi")
    assert user.is_active and user.is_staff
    assert JuryMember.objects.filter(user=user, competition=this_year, role="member").exists()
    assert user.check_password(PASSWORD)

    # The link is used: it answers, but leads nowhere but the sign-in.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "jo käytetty" in text_of(again)


def test_a_recovery_code_signs_in_without_the_phone_and_works_once(client, invited):
    link, _message = invited
    done = accept(client, link)
    assert done.status_code == 302
    page = client.get(done.url)
    code = re.findall(r"<code>(\d{4} \d{4})</code>", page.content.decode())[0]
    client.logout()

    def sign_in():
        client.post(
            reverse("admin:login"), {"username": "aino.arvioija@example.fi", "password": PASSWORD}
        )
        return client.post(reverse("admin:second_factor"), {"code": code})

    assert sign_in().status_code == 302
    assert client.get(reverse("admin:index"), follow=True).status_code == 200
    client.logout()
    # (A minute on: the app's code was tried first and failed, and its throttle waits.)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert "Koodi ei kelpaa" in text_of(sign_in())


def test_the_link_no_longer_works_after_it_expires(client, invited):
    link, _message = invited
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        page = client.get(link)
        assert page.status_code == 410
        assert "vanhentunut" in text_of(page)
        client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(email="aino.arvioija@example.fi").exists()


def test_a_link_that_expires_between_the_steps_does_not_switch_the_account_on(client, invited):
    link, _message = invited
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    enrol = client.get(link)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        page = client.post(link, {"code": f"{totp(secret_on(enrol)):06d}"})
    assert page.status_code == 410
    assert not User.objects.get(email="aino.arvioija@example.fi").is_active
    assert not JuryMember.objects.filter(user__email="aino.arvioija@example.fi").exists()


def test_a_weak_or_mistyped_password_is_explained_in_finnish(client, invited):
    link, _message = invited
    short = client.post(link, {"password1": "abc", "password2": "abc"})
    assert "liian lyhyt" in text_of(short).lower()
    mismatch = client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "Salasanat eivät ole samat" in text_of(mismatch)
    assert not User.objects.filter(email="aino.arvioija@example.fi").exists()


def test_a_wrong_code_is_refused_and_the_account_stays_off(client, invited):
    link, _message = invited
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    enrol = client.get(link)
    wrong = (totp(secret_on(enrol)) + 1) % 1_000_000
    page = client.post(link, {"code": f"{wrong:06d}"})
    assert "Koodi ei kelpaa" in text_of(page)
    assert not User.objects.get(email="aino.arvioija@example.fi").is_active


def test_resending_gives_a_new_link_and_ends_the_old_one(client, staff, invited, delivering):
    old, _message = invited
    invitation = Invitation.objects.get()
    with delivering() as outbox:
        client.post(
            reverse("admin:jury_invitation_changelist"),
            {"action": "resend", "_selected_action": [invitation.pk]},
        )
    new = path_of(link_in(outbox[-1]))
    assert new != old
    assert client.get(old).status_code == 404
    assert accept(client, new).status_code == 302


def test_a_revoked_invitation_cannot_be_used(client, staff, invited):
    link, _message = invited
    client.post(
        reverse("admin:jury_invitation_changelist"),
        {"action": "revoke", "_selected_action": [Invitation.objects.get().pk]},
    )
    client.logout()
    page = client.get(link)
    assert page.status_code == 410
    assert "peruttu" in text_of(page)


def test_staff_see_pending_and_accepted_invitations(client, staff, this_year, delivering):
    with delivering() as outbox:
        invite(client, staff, this_year)
        invite(client, staff, this_year, email="toinen@example.fi", first_name="Toinen")
    accept(client, path_of(link_in(outbox[0])))

    admin_login(client, staff)
    waiting = client.get(reverse("admin:jury_invitation_changelist") + "?tila=odottaa")
    accepted = client.get(reverse("admin:jury_invitation_changelist") + "?tila=hyvaksytty")
    assert "toinen@example.fi" in text_of(waiting)
    assert "aino.arvioija@example.fi" not in text_of(waiting)
    assert "aino.arvioija@example.fi" in text_of(accepted)


def test_a_second_open_invitation_to_the_same_address_is_refused_with_the_form_kept(
    client, staff, this_year, delivering
):
    with delivering():
        invite(client, staff, this_year)
        again = invite(client, staff, this_year, organisation="Toinen järjestö")
    assert again.status_code == 200
    assert "on jo lähetetty kutsu" in text_of(again)
    assert 'value="Toinen järjestö"' in again.content.decode()
    assert Invitation.objects.count() == 1


def test_a_panel_role_needs_a_year_and_a_published_year_takes_no_one(client, staff, delivering):
    published = CompetitionFactory(year=2025, published=True)
    with delivering() as outbox:
        no_year = invite(client, staff, None)
        services_refusal = services.invitation_refusal(
            email="x@example.fi", role=InvitationRole.JUROR, competition=published
        )
    assert no_year.status_code == 200
    assert "Valitse vuosi" in text_of(no_year)
    assert "tulokset on jo julkaistu" in services_refusal
    assert not outbox


def test_an_invited_chair_is_seated_as_the_chair(client, staff, this_year, delivering):
    with delivering() as outbox:
        invite(client, staff, this_year, role=InvitationRole.CHAIR)
    accept(client, path_of(link_in(outbox[0])))
    seat = JuryMember.objects.get(user__email="aino.arvioija@example.fi")
    assert seat.is_chair


def test_invited_communications_staff_get_the_staff_role_and_no_seat(client, staff, delivering):
    with delivering() as outbox:
        response = invite(client, staff, None, role=InvitationRole.STAFF)
    assert response.status_code == 302, text_of(response)
    accept(client, path_of(link_in(outbox[0])))
    user = User.objects.get(email="aino.arvioija@example.fi")
    assert list(user.groups.values_list("name", flat=True)) == ["Viestintä"]
    assert not user.jury_seats.exists()
    assert client.get(reverse("admin:jury_invitation_changelist")).status_code == 200


def test_someone_with_an_account_accepts_by_signing_in_and_keeps_it(client, staff, delivering):
    last_year = CompetitionFactory(year=2026, published=True)
    next_year = CompetitionFactory(year=2027)
    seat = JuryMemberFactory(competition=last_year)
    with delivering() as outbox:
        invite(client, staff, next_year, email=seat.user.email.upper())
    link = path_of(link_in(outbox[0]))
    client.logout()
    page = client.get(link)
    assert "Kirjaudu sisään" in text_of(page)
    assert seat.user.get_username() in text_of(page)

    admin_login(client, seat.user)
    assert client.post(link).url == reverse("admin:index")
    assert JuryMember.objects.filter(user=seat.user, competition=next_year).exists()
    assert User.objects.filter(email__iexact=seat.user.email).count() == 1


def test_jurors_and_the_chair_cannot_invite(client, juror_seat, chair_seat, this_year):
    for seat in (juror_seat, chair_seat):
        admin_login(client, seat.user)
        assert client.get(reverse("admin:jury_invitation_add")).status_code == 403
        assert client.get(reverse("admin:jury_invitation_changelist")).status_code == 403


def test_the_next_year_invites_last_years_panel_again(client, staff, delivering):
    year = CompetitionFactory(
        year=2027,
        published=True,
        nomination_opens_at=timezone.now() - timedelta(days=200),
        nomination_closes_at=timezone.now() - timedelta(days=150),
        scoring_closes_at=timezone.now() - timedelta(days=120),
        voting_opens_at=timezone.now() - timedelta(days=100),
        voting_closes_at=timezone.now() - timedelta(days=60),
    )
    chair = JuryMemberFactory(competition=year, role="chair")
    stays = JuryMemberFactory(competition=year)
    leaves = JuryMemberFactory(competition=year)
    admin_login(client, staff)
    url = reverse("admin:hyvakaytanto_competition_next", args=[year.pk])
    page = client.get(url)
    assert "Kutsu vuoden 2027 raati uudelleen vuodelle 2028" in text_of(page)
    assert leaves.user.email in text_of(page)

    with delivering() as outbox:
        client.post(url, {"kutsu": [chair.pk, stays.pk]})
    following = Competition.objects.get(year=2028)
    invitations = Invitation.objects.filter(competition=following)
    assert {(i.email, i.role) for i in invitations} == {
        (chair.user.email, InvitationRole.CHAIR),
        (stays.user.email, InvitationRole.JUROR),
    }
    assert sorted(m.to[0] for m in outbox) == sorted([chair.user.email, stays.user.email])


def test_staff_switch_an_account_off_and_its_sessions_end(client, staff, juror_seat):
    from django.test import Client

    juror_client = admin_login(Client(), juror_seat.user)
    assert juror_client.get(reverse("admin:index"), follow=True).status_code == 200

    admin_login(client, staff)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [juror_seat.user.pk]},
    )
    juror_seat.user.refresh_from_db()
    assert not juror_seat.user.is_active
    assert juror_client.get(reverse("admin:index")).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DEACTIVATED)
    assert event.actor == staff.get_username()
    # The juror's seat, and so their work, stays in the history.
    assert JuryMember.objects.filter(pk=juror_seat.pk).exists()


def test_staff_change_nothing_else_on_an_account(client, staff, superuser, juror_seat):
    admin_login(client, staff)
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(password).status_code == 403
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [superuser.pk, staff.pk]},
    )
    superuser.refresh_from_db()
    staff.refresh_from_db()
    assert superuser.is_active and staff.is_active
    # The change form offers "active" alone: a name posted with it is not saved.
    change = reverse("admin:auth_user_change", args=[juror_seat.user.pk])
    client.post(change, {"first_name": "Muutettu", "is_superuser": "on"})
    juror_seat.user.refresh_from_db()
    assert juror_seat.user.first_name != "Muutettu"
    assert not juror_seat.user.is_superuser
    assert client.get(reverse("admin:auth_user_add")).url == reverse("admin:jury_invitation_add")


def test_a_voter_account_is_not_on_the_staff_accounts_screen(client, staff, voter):
    admin_login(client, staff)
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert voter.email not in text_of(listing)
    assert client.get(reverse("admin:auth_user_change", args=[voter.pk])).status_code == 302


def test_ended_invitations_and_the_accounts_they_began_are_erased(client, invited):
    link, _message = invited
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.filter(email="aino.arvioija@example.fi", is_active=False).exists()
    seated = StaffUserFactory()
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        call_command("apply_retention", stdout=io.StringIO())
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="aino.arvioija@example.fi").exists()
    assert User.objects.filter(pk=seated.pk).exists()


def test_a_line_break_or_a_nul_in_a_name_is_refused_in_finnish(client, staff, this_year):
    line_break = invite(client, staff, this_year, first_name="Aino\nArvioija")
    nul = invite(client, staff, this_year, last_name="Arvi\x00oija")
    assert line_break.status_code == 200
    assert "aino.arvioija@example.fi" in line_break.content.decode()
    assert "yhdelle riville" in text_of(line_break)
    # A NUL is refused site-wide before any view; the page says what to do, the browser
    # still has the form as typed.
    assert nul.status_code == 400
    assert "kirjoita teksti uudelleen" in text_of(nul)
    assert not Invitation.objects.exists()


def test_communications_staff_are_invited_with_the_year_field_left_as_it_was(
    client, staff, this_year, delivering
):
    with delivering() as outbox:
        response = invite(client, staff, this_year, role=InvitationRole.STAFF)
    assert response.status_code == 302, text_of(response)
    assert Invitation.objects.get().competition is None
    assert len(outbox) == 1


def test_a_switched_off_superuser_invited_as_a_juror_comes_back_as_a_juror_only(
    client, staff, this_year, delivering
):
    former = User.objects.create_superuser(
        "entinen", "aino.arvioija@example.fi", "x", is_active=False
    )
    with delivering() as outbox:
        invite(client, staff, this_year)
    accept(client, path_of(link_in(outbox[0])))
    former.refresh_from_db()
    assert former.is_active and not former.is_superuser
    assert list(former.groups.values_list("name", flat=True)) == ["Raati"]


def test_save_as_new_on_an_account_is_refused_to_staff(client, staff, juror_seat):
    admin_login(client, staff)
    change = reverse("admin:auth_user_change", args=[juror_seat.user.pk])
    data = {"_saveasnew": "1", "username": "uusi", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(change, data).status_code == 403
    assert not User.objects.filter(username="uusi").exists()


def test_mistyped_app_codes_do_not_hold_up_a_recovery_code(client, invited):
    link, _message = invited
    done = accept(client, link)
    code = re.findall(r"<code>(\d{4} \d{4})</code>", client.get(done.url).content.decode())[0]
    client.logout()
    client.post(
        reverse("admin:login"), {"username": "aino.arvioija@example.fi", "password": PASSWORD}
    )
    for wrong in ("000000", "111111", "222222"):
        client.post(reverse("admin:second_factor"), {"code": wrong})
    assert client.post(reverse("admin:second_factor"), {"code": code}).status_code == 302


def test_with_the_lost_phone_removed_the_next_sign_in_sets_up_a_new_app(client, invited):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    link, _message = invited
    accept(client, link)
    client.logout()
    TOTPDevice.objects.filter(user__email="aino.arvioija@example.fi").delete()  # a superuser
    client.post(
        reverse("admin:login"), {"username": "aino.arvioija@example.fi", "password": PASSWORD}
    )
    page = client.get(reverse("admin:second_factor"))
    assert "second-factor-secret" in page.content.decode()


def test_a_panel_member_without_an_address_is_named_not_invited(client, staff):
    year = CompetitionFactory(
        year=2027,
        published=True,
        nomination_opens_at=timezone.now() - timedelta(days=200),
        nomination_closes_at=timezone.now() - timedelta(days=150),
        scoring_closes_at=timezone.now() - timedelta(days=120),
        voting_opens_at=timezone.now() - timedelta(days=100),
        voting_closes_at=timezone.now() - timedelta(days=60),
    )
    nameless = JuryMemberFactory(competition=year, user__email="", user__first_name="Nimetön")
    admin_login(client, staff)
    url = reverse("admin:hyvakaytanto_competition_next", args=[year.pk])
    page = client.post(url, {"kutsu": [nameless.pk]}, follow=True)
    assert Competition.objects.filter(year=2028).exists()
    assert "Nimetön" in text_of(page) and "ei kutsuttu" in text_of(page)
    assert not Invitation.objects.exists()


def test_retention_keeps_an_account_that_was_there_before_the_invitation(client, invited):
    link, _message = invited
    old = StaffUserFactory(email="aino.arvioija@example.fi", is_active=False)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert Invitation.objects.get().user == old
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        call_command("apply_retention", stdout=io.StringIO())
    assert User.objects.filter(pk=old.pk).exists()
