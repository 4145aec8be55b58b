"""The hostile-content sweep: text typed by anyone is never live HTML, on any page.

One year is built through the site's services (the demo), then every text a nominator, voter,
juror, chair or staff member can write (every character field of every model, the drafts' and
the queued e-mails' stored texts included) is overwritten with markup carrying a marker. Every
page the URL configuration and the admin registry list is then opened by every role, every
admin action's preview is posted, and every public form is sent back with the markup typed into
each field. The HTML of each answer is parsed: the marker may appear as text, never as an
element. A new screen, field or action is swept without anyone adding it here; a new kind of
address parameter fails the sweep until it is given a value below.
"""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import models, transaction
from django.db.models.functions import Cast, Concat, Left
from django.test import Client, RequestFactory
from django.utils import translation

from core.branding import forget_site_identity
from core.models import AuditEvent, Competition
from jury import services as jury_services
from jury.enums import InvitationRole, JuryRole, ShortlistRule
from jury.models import JuryMember
from nominations.models import Nomination
from tests.addresses import SWEEP_REPORT, World, addresses
from tests.admin_login import admin_login
from tests.factories.voting import VoterFactory
from voting import queries as voting_queries
from voting.models import Vote

MARKER = "data-hostile"
PAYLOAD = f'"><b {MARKER}>x</b><img {MARKER} src=x>'
SHORT_PAYLOAD = f"<b {MARKER}>"

# Fields whose value the site itself decides, or that name a thing rather than say something.
NOT_TYPED = {
    "language",  # a language code chosen from the site's three
    "token_hash",
    "nonce",
    "key",
    "primary_colour",  # validated as six hex digits before it is ever stored
    "content_type",  # the file's type as sniffed, not as sent
    "network",
    "writer",
    "password",
    "session_key",
    "name",  # StoredFile.name only (see _typed_fields)
    "model",  # django_content_type.model
    "app_label",
    "codename",
    "provider",
    "uid",
    "secret",
    "token",
    "history_user_id",
}
APPS_TYPED_IN = {"hyvakaytanto", "nominations", "jury", "voting", "archive", "auth", "account"}
ROLES = ("superuser", "staff", "chair", "juror")


def _typed_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if field.primary_key or (field.name in NOT_TYPED and field.name != "name"):
            continue
        if field.name == "name" and model._meta.model_name in {"storedfile", "contenttype"}:
            continue
        if field.max_length is not None and field.max_length < len(SHORT_PAYLOAD) + 8:
            continue
        tracked = getattr(model, "instance_type", None)  # a django-simple-history version
        if tracked and isinstance(_field_of(tracked, field.name), models.FileField):
            continue  # a stored file's name, kept as text in the version
        fields.append(field)
    return fields


def _field_of(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _poison_json(value):
    if isinstance(value, dict):
        return {k: _poison_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison_json(v) for v in value]
    if isinstance(value, str) and value not in {"", "on", "1", "0"} and not value.isdigit():
        return PAYLOAD
    return value


def poison_everything() -> int:
    """Overwrite every typed text of every row with the payload (the row's id appended, so
    unique fields stay unique). Returns the number of fields poisoned."""
    count = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS_TYPED_IN or model._meta.proxy:
            continue
        for field in _typed_fields(model):
            payload = (
                PAYLOAD
                if field.max_length is None or field.max_length >= len(PAYLOAD) + 12
                else SHORT_PAYLOAD
            )
            value = Concat(models.Value(payload), Cast("pk", output_field=models.CharField()))
            if field.max_length is not None:
                value = Left(value, field.max_length)
            count += 1
            if model is AuditEvent:
                continue  # append-only: poisoned by a new event below
            model._base_manager.update(**{field.attname: value})
        # Stored texts in JSON: a draft's fields, a queued e-mail's subject and body.
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField) and model is not AuditEvent:
                for row in model._base_manager.exclude(**{field.attname: None}):
                    setattr(row, field.attname, _poison_json(getattr(row, field.attname)))
                    row.save(update_fields=[field.attname])
                count += 1
    event = AuditEvent.objects.order_by("-pk").first()
    if event is not None:
        event.pk = None
        for field in _typed_fields(AuditEvent):
            setattr(event, field.attname, PAYLOAD[: field.max_length])
        event.details = _poison_json(event.details)
        event.save()
    # The year's own texts in every language, and the jury's statements in theirs.
    Competition.objects.update(title_sv=PAYLOAD, title_en=PAYLOAD)
    caches["pages"].clear()
    forget_site_identity()
    voting_queries._snapshot = None
    return count


class ElementFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if any(name == MARKER for name, _value in attrs):
            self.found.append(tag)

    handle_startendtag = handle_starttag


def live_markup(response) -> list[str]:
    finder = ElementFinder()
    finder.feed(response.content.decode())
    finder.close()
    return finder.found


class FormFields(HTMLParser):
    """The names of a page's typed fields (text inputs and text areas) per form action."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(), attrs.get("action"), {}))
        elif self.forms and tag in {"input", "textarea", "select"} and attrs.get("name"):
            kind = attrs.get("type", "text")
            fields = self.forms[-1][2]
            if tag == "textarea" or kind in {"text", "email", "url", "search", "tel"}:
                fields[attrs["name"]] = PAYLOAD
            elif kind == "hidden" and attrs["name"] != "csrfmiddlewaretoken":
                fields[attrs["name"]] = attrs.get("value", "")
            elif kind == "checkbox":
                fields[attrs["name"]] = attrs.get("value", "on")


# --- The sweep --------------------------------------------------------------------------------


def clients_for(competition) -> tuple[dict[str, Client], object]:
    User = get_user_model()
    seats = JuryMember.objects.filter(competition=competition).select_related("user")
    users = {
        "superuser": User.objects.create_superuser("sweep-paakayttaja", "p@talentia.example"),
        "staff": User.objects.get(username__endswith="viestinta"),
        "chair": next(s.user for s in seats if s.role == JuryRole.CHAIR),
        "juror": next(s.user for s in seats if s.role != JuryRole.CHAIR),
    }
    return {role: admin_login(Client(), user) for role, user in users.items()}, users["superuser"]


def swept(client, url, method="get", data=None):
    """The response, or None; anything posted is rolled back so the next page sees the same
    year."""
    sid = transaction.savepoint()
    try:
        response = getattr(client, method)(url, data or {})
    finally:
        transaction.savepoint_rollback(sid)
    return response


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


PHASES = ["nomination", "review", "voting", "published"]


@pytest.mark.parametrize("phase", PHASES)
def test_no_typed_text_is_live_html_on_any_page(db, settings, phase):
    settings.DEBUG = True
    call_command("demo_data", "--phase", phase, stdout=StringIO())
    competition = Competition.objects.order_by("-year").first()
    if phase == "review":
        # The chair's shortlist waits for staff to publish it: its preview shows the letters.
        chair = JuryMember.objects.get(competition=competition, role=JuryRole.CHAIR).user
        for nomination in Nomination.objects.filter(competition=competition)[:4]:
            jury_services.finalist_shortlist(
                nomination=nomination, by=chair, confirmed=ShortlistRule.values
            )
    clients, superuser = clients_for(competition)
    # An invitation waiting for its invitee, as staff typed it (poisoned with the rest).
    jury_services.invitation_create(
        first_name="Kutsuttu",
        last_name="Arvioija",
        email="kutsuttu.sweep@example.invalid",
        role=InvitationRole.STAFF,
        competition=None,
        by=superuser,
    )
    poisoned = poison_everything()
    world = World()
    public = {"anonymous": Client(), "voter": Client()}
    vote = Vote.objects.filter(competition=competition).select_related("voter").first()
    public["voter"].force_login(vote.voter if vote else VoterFactory())

    problems, visited, posted = [], 0, 0

    def check(response, where):
        nonlocal visited
        if response is None or not is_html(response):
            return
        visited += 1
        found = live_markup(response)
        if found:
            problems.append(
                f"{where}: {len(found)} live elements ({', '.join(sorted(set(found)))})"
            )

    request_factory = RequestFactory()
    for url, name, model in addresses(world):
        is_admin = name.startswith("admin:")
        for language in ("fi", "sv", "en") if not is_admin else ("fi",):
            with translation.override(language):
                localised = url if language == "fi" else f"/{language}{url}"
            who = clients.items() if is_admin else public.items()
            for role, client in who:
                response = swept(client, localised)
                check(response, f"GET {localised} as {role}")
                if not is_admin and is_html(response) and response.status_code == 200:
                    parser = FormFields()
                    parser.feed(response.content.decode())
                    for method, action, fields in parser.forms:
                        if method == "post" and any(v == PAYLOAD for v in fields.values()):
                            posted += 1
                            target = action or localised
                            check(swept(client, target, "post", fields), f"POST {target}")
        # Every admin action, with every row of its list selected: its preview or its answer.
        if is_admin and name.endswith("_changelist") and model is not None:
            model_admin = admin.site._registry[model]
            request = request_factory.get(url)
            request.user = superuser
            pks = list(model._default_manager.values_list("pk", flat=True)[:20])
            for action in model_admin.get_actions(request):
                if action == "delete_selected" or not pks:
                    continue
                posted += 1
                data = {"action": action, "_selected_action": pks}
                check(swept(clients["superuser"], url, "post", data), f"action {action}")

    SWEEP_REPORT.append(
        f"hostile-content sweep ({phase}): {poisoned} typed fields poisoned, "
        f"{visited} HTML pages checked, {posted} forms and actions posted"
    )
    assert visited > 100
    assert not problems, "\n".join(problems)
