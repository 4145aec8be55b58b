"""Staff and jurors' accounts: password and second factor, lockout, session lifetime, and the
end of every session of a deactivated account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests.admin_login import admin_login
from tests.factories.jury import StaffUserFactory

PASSWORD = "salasana-raati-2027"  # StaffUserFactory's
Action = AuditEvent.Action

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, user, password=PASSWORD):
    return client.post(
        reverse("admin:login"),
        {"username": user.username, "password": password, "next": "/admin/"},
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_password_alone_does_not_open_the_admin(client):
    juror = StaffUserFactory(groups=["Viestintä"])

    response = sign_in_with_password(client, juror)
    assert response.status_code == 302

    for url in ["/admin/", reverse("admin:nominations_nomination_changelist")]:
        followed = client.get(url, follow=True)
        assert followed.redirect_chain[-1][0].startswith(reverse("admin:second_factor"))
        assert "Kaksivaiheinen tunnistautuminen" in followed.content.decode()


def test_first_sign_in_sets_up_an_authenticator_then_asks_for_its_code_every_time(client):
    staff = StaffUserFactory(groups=["Viestintä"])
    sign_in_with_password(client, staff)

    setup = client.get(reverse("admin:second_factor"))
    page = setup.content.decode()
    assert 'class="second-factor-qr"><svg' in page  # the QR code, inline
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r'class="second-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32

    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post(reverse("admin:second_factor"), {"code": "000000"})
        assert "Koodi ei kelpaa" in wrong.content.decode()
        assert client.get("/admin/").status_code == 302
        # Each wrong code doubles the wait before the next try (django-otp's throttling).
        too_soon = client.post(reverse("admin:second_factor"), {"code": current_code(device)})
        assert "Liian monta väärää koodia" in too_soon.content.decode()

        clock.shift(timedelta(seconds=3))
        done = client.post(reverse("admin:second_factor"), {"code": current_code(device)})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    client.post(reverse("admin:logout"))
    sign_in_with_password(client, staff)
    again = client.get(reverse("admin:second_factor")).content.decode()
    assert "second-factor-qr" not in again
    assert "Kirjoita todennussovelluksesi näyttämä kuusinumeroinen koodi" in again
    actions = list(AuditEvent.objects.filter(actor=staff.username).values_list("action", flat=True))
    assert {Action.LOGIN, Action.SECOND_FACTOR_ADDED, Action.SECOND_FACTOR_FAILED} <= set(actions)


def test_the_second_factor_page_does_not_redirect_to_another_site(client):
    staff = StaffUserFactory(groups=["Viestintä"])
    device = TOTPDevice.objects.create(user=staff, name="Puhelin", confirmed=True)
    sign_in_with_password(client, staff)

    response = client.post(
        reverse("admin:second_factor"),
        {"code": current_code(device), "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("admin:index")


def test_the_sixth_wrong_password_locks_the_account_even_for_the_right_password(client):
    juror = StaffUserFactory()
    for _attempt in range(5):
        sign_in_with_password(client, juror, password="väärä-salasana")

    locked = sign_in_with_password(client, juror)

    assert locked.status_code == 429
    assert "Tili on lukittu" in locked.content.decode()
    assert "Lukitus poistuu itsestään 60 minuutin kuluttua" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, target=juror.username).exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() >= 5

    # Staff unlock it, as docs/OPERATIONS.md says.
    call_command("axes_reset_username", juror.username)
    assert sign_in_with_password(client, juror).status_code == 302
    assert "_auth_user_id" in client.session


def test_an_idle_session_expires(client):
    staff = StaffUserFactory(groups=["Viestintä"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        admin_login(client, staff)
        assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200

        clock.shift(timedelta(minutes=31))
        response = client.get("/admin/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.SESSION_EXPIRED, actor=staff.username).exists()


def test_a_session_ends_after_its_absolute_lifetime_however_busy(client):
    staff = StaffUserFactory(groups=["Viestintä"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        admin_login(client, staff)
        for _step in range(35):  # every 20 minutes for 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=21))

        assert client.get("/admin/").status_code == 302


def test_deactivating_an_account_ends_all_its_sessions_at_once(client):
    juror = StaffUserFactory()
    other_browser = Client()
    admin_login(client, juror)
    admin_login(other_browser, juror)
    assert Session.objects.count() == 2

    juror.is_active = False
    juror.save()

    assert Session.objects.count() == 0
    assert client.get("/admin/").status_code == 302
    assert other_browser.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_DEACTIVATED).exists()


def test_signing_out_leaves_no_session_behind(client):
    admin_login(client, StaffUserFactory(groups=["Viestintä"]))

    client.post(reverse("admin:logout"))

    assert Session.objects.count() == 0


def test_password_validators_refuse_a_short_or_common_password(staff_client):
    juror = StaffUserFactory()

    response = staff_client.post(
        reverse("admin:auth_user_password_change", args=[juror.pk]),
        {"password1": "salasana", "password2": "salasana", "usable_password": "true"},
    )

    page = response.content.decode()
    assert "Tämä salasana on liian lyhyt. Sen tulee sisältää ainakin 12 merkkiä." in page
    assert "Tämä salasana on liian yleinen." in page


def test_behind_the_proxy_only_the_client_trying_many_accounts_is_locked(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66", "REMOTE_ADDR": "10.0.0.2"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    for number in range(5):  # one wrong password each on five accounts
        juror = StaffUserFactory()
        client.post(
            reverse("admin:login"),
            {"username": juror.username, "password": f"arvaus-{number}"},
            **attacker,
        )
    victim = StaffUserFactory()

    from_attacker = client.post(
        reverse("admin:login"), {"username": victim.username, "password": PASSWORD}, **attacker
    )
    from_colleague = Client().post(
        reverse("admin:login"), {"username": victim.username, "password": PASSWORD}, **colleague
    )

    assert from_attacker.status_code == 429
    assert from_colleague.status_code == 302  # the proxy's own address is not what is locked


def test_the_second_factor_gives_a_new_session_that_deactivation_still_ends(client):
    staff = StaffUserFactory(groups=["Viestintä"])
    device = TOTPDevice.objects.create(user=staff, name="Puhelin", confirmed=True)
    sign_in_with_password(client, staff)
    after_password = client.session.session_key

    client.post(reverse("admin:second_factor"), {"code": current_code(device)})

    assert client.session.session_key != after_password
    assert client.get("/admin/").status_code == 200
    staff.is_active = False
    staff.save()
    assert not Session.objects.exists()
    assert client.get("/admin/").status_code == 302
