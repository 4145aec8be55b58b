"""Every address the site has, from its URL configuration and its admin registry, with its
parameters filled from the year in the database: for sweeps that must cover a new screen
without anyone adding it."""

import hashlib
import itertools
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from archive.models import AwardYear
from core.models import Competition
from jury.enums import InvitationRole
from jury.models import Invitation
from nominations.models import Attachment, Nomination, NominationDraft, draft_token, hash_token
from tests.factories.nominations import AttachmentFactory
from voting import queries as voting_queries


def _walk(patterns, prefix="", namespace="", kwargs=(), unnamed=0):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        regex = entry.pattern.regex
        names = tuple(kwargs) + tuple(regex.groupindex)
        positional = unnamed + regex.groups - len(regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner, names, positional)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route, f"{namespace}{entry.name}", names, positional


def every_address():
    """(route, name, kwarg names, admin model or None) for every named address, admin
    included, in the site's URL configuration."""
    by_route = {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    seen = set()
    with translation.override("fi"):  # the default language has no prefix
        walked = list(_walk(get_resolver().url_patterns))
    for route, name, names, positional in walked:
        route = route.lstrip("^")
        if name in seen:
            continue  # one address under several names (allauth's aliases)
        seen.add(name)
        model = next((m for prefix, m in by_route.items() if route.startswith(prefix)), None)
        yield route, name, names, positional, model


# What the sweeps visited, printed at the end of the test run (tests/conftest.py).
SWEEP_REPORT: list[str] = []


class World:
    """The ids a sweep fills addresses with."""

    def __init__(self):
        self.competition = Competition.objects.order_by("-year").first()
        nomination = Nomination.objects.filter(competition=self.competition).first()
        attachment = Attachment.objects.filter(nomination=nomination).first()
        if attachment is None:
            attachment = AttachmentFactory(nomination=nomination)
        # The private links are only stored as hashes: give the year's known ones.
        self.token = "sweep-nomination-link-0000000000000000000000"
        Nomination.objects.filter(pk=nomination.pk).update(token_hash=hash_token(self.token))
        draft = NominationDraft.objects.first()
        self.draft_token = draft_token(draft.nonce) if draft else None
        self.nomination, self.attachment = nomination, attachment
        # An invitation waiting for its invitee, and its link.
        self.invitation_token = "sweep-invitation-link-00000000000000000000000"
        Invitation.objects.get_or_create(
            token_hash=hashlib.sha256(self.invitation_token.encode()).hexdigest(),
            defaults={
                "first_name": "Kutsuttu",
                "last_name": "Arvioija",
                "email": "kutsuttu.arvioija@example.invalid",
                "role": InvitationRole.JUROR,
                "competition": self.competition,
                "expires_at": timezone.now() + timedelta(days=14),
            },
        )
        _year, finalists = voting_queries.public_finalists()
        self.slugs = [voting_queries.finalist_slug(f, finalists) for f in finalists]
        self.archive_year = AwardYear.objects.filter(awards__isnull=False).order_by("-year")[0]

    def values(self, name: str, kwarg: str, model) -> list:
        if model is not None:
            rows = model._default_manager.order_by("-pk")
            if model is get_user_model():
                # The accounts screen is for staff and jurors; voters have their own.
                rows = rows.filter(is_staff=True)
            rows = list(rows.values_list("pk", flat=True)[:2])
            if kwarg in {"object_id", "pk", "id"}:
                return [str(pk) for pk in rows]
            if kwarg == "competition_id":
                return [self.competition.pk]
            if kwarg == "nomination_id":
                return [self.nomination.pk]
            if kwarg == "attachment_id":
                return [self.attachment.pk]
            if kwarg == "file_format":
                return ["csv", "xlsx"]
        if name.endswith("admin:app_list"):
            return sorted({m._meta.app_label for m in admin.site._registry})
        if name.endswith("view_on_site"):
            return []  # a redirect to the public page that is swept on its own
        public = {
            "token": [self.draft_token]
            if "draft" in name
            else [self.invitation_token]
            if "invitation" in name
            else [self.token],
            "pk": [self.attachment.pk],
            "slug": self.slugs,
            "year": [self.competition.year, self.archive_year.year],
            "colour": ["0b5ed7"],
            "name": [],  # the site's logo and icon: images, never HTML
        }
        if kwarg not in public:
            pytest.fail(f"The sweep has no value for <{kwarg}> in {name}: give it one.")
        return [v for v in public[kwarg] if v is not None]


def addresses(world):
    """(url, name, model) for every address, each parameter filled with every value given."""
    for _route, name, names, positional, model in every_address():
        if name.startswith("health") or name == "set_language":
            continue
        if positional:
            if not name.endswith("_simple_history"):
                pytest.fail(f"The sweep cannot fill the unnamed parameters of {name}.")
            # One version of each of a few rows, as django-simple-history shows it.
            for version in model.history.order_by("-history_id")[:3]:
                with translation.override("fi"):
                    row = getattr(version, model._meta.pk.attname)
                url = reverse(name, args=[row, version.history_id])
                yield url, name, model
            continue
        if not names:
            with translation.override("fi"):
                yield reverse(name), name, model
            continue
        options = [world.values(name, kwarg, model) for kwarg in names]
        if not all(options):
            continue
        for values in itertools.product(*options):
            with translation.override("fi"):
                url = reverse(name, kwargs=dict(zip(names, values, strict=True)))
            yield url, name, model
