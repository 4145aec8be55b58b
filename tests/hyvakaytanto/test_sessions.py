"""The session store and authentication backends that read a signed-in request's session and
user with one plain SELECT each (core/sessions.py, core/backends.py)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from core.backends import PasswordBackend, user_by_id
from core.sessions import SessionStore
from tests.factories.jury import StaffUserFactory
from tests.factories.voting import VoterFactory

pytestmark = pytest.mark.django_db


def signed_in_name(client) -> str | None:
    """Whose account page the client reaches, or None when sent to sign in."""
    response = client.get("/tili/")
    return response.wsgi_request.user.email if response.status_code == 200 else None


def test_a_signed_in_voter_is_recognised_on_the_next_request(client):
    voter = VoterFactory()
    client.force_login(voter)

    assert signed_in_name(client) == voter.email


def test_a_session_past_its_expiry_is_not_read(client):
    voter = VoterFactory()
    client.force_login(voter)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert signed_in_name(client) is None


def test_a_session_written_by_djangos_own_engine_stays_signed_in(client):
    """Switching the engine signs nobody out: the data is signed with the same salt."""
    voter = VoterFactory()
    old = DjangoSessionStore()
    old.update(
        {
            "_auth_user_id": str(voter.pk),
            "_auth_user_backend": "core.backends.EmailCodeBackend",
            "_auth_user_hash": voter.get_session_auth_hash(),
        }
    )
    old.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key

    assert signed_in_name(client) == voter.email


@pytest.mark.parametrize(
    ("backend", "make_user"),
    [("EmailCodeBackend", VoterFactory), ("PasswordBackend", StaffUserFactory)],
)
def test_a_session_signed_in_before_the_core_moved_stays_signed_in(client, backend, make_user):
    """Sessions written before the upgrade name the backend under hyvakaytanto.backends."""
    user = make_user()
    old = SessionStore()
    old.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": f"hyvakaytanto.backends.{backend}",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
    )
    old.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key

    response = client.get("/")
    assert response.wsgi_request.user == user


def test_an_unknown_session_key_is_anonymous_and_gets_no_row(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32

    assert signed_in_name(client) is None
    assert not Session.objects.filter(session_key="x" * 32).exists()


def test_user_by_id_returns_the_same_user_as_the_orm():
    staff = StaffUserFactory(groups=["Raati"], first_name="Raili", last_name="Raati")
    staff.last_login = timezone.now()
    staff.save()

    loaded = user_by_id(staff.pk)
    expected = get_user_model().objects.get(pk=staff.pk)

    assert model_to_dict(loaded) == model_to_dict(expected)
    assert loaded.last_login == expected.last_login
    assert loaded._state.adding is False
    assert list(loaded.groups.values_list("name", flat=True)) == ["Raati"]


def test_user_by_id_of_a_missing_user_is_none():
    assert user_by_id(10**9) is None


def test_an_inactive_account_is_not_loaded_by_the_backend():
    staff = StaffUserFactory(is_active=False)

    assert PasswordBackend().get_user(staff.pk) is None


def test_a_deactivated_voter_is_signed_out_at_the_next_request():
    voter = VoterFactory()
    client = Client()
    client.force_login(voter)
    get_user_model().objects.filter(pk=voter.pk).update(is_active=False)

    assert signed_in_name(client) is None


def test_a_changed_session_is_written_in_one_statement_and_read_back(django_assert_num_queries):
    store = SessionStore()
    store["step"] = "first"
    store.create()
    store["step"] = "second"

    with django_assert_num_queries(1):
        store.save()

    assert SessionStore(session_key=store.session_key)["step"] == "second"


def test_a_session_ended_meanwhile_is_not_written_again(client):
    """Signing out in another tab deletes the row: an older request that then changes the
    session gets 400, as with Django's own engine, and does not sign the visitor back in."""
    store = SessionStore()
    store["step"] = "first"
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()
    store["step"] = "second"

    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()
