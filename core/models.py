import uuid
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.colours import DEFAULT_COLOUR, validate_brand_colour
from core.enums import Phase
from core.validators import single_line

FIRST_AWARD_YEAR = 2007

# The timeline in the order its moments must follow; each window is half-open, so a
# deadline is the first instant at which the window is closed (27.2. 24:00 = 28.2. 00:00).
TIMELINE = (
    "nomination_opens_at",
    "nomination_closes_at",
    "scoring_closes_at",
    "voting_opens_at",
    "voting_closes_at",
)


class TranslatedTextMixin:
    """Texts kept per language: the Finnish one (``<field>_fi`` or plain ``<field>``) and
    ``<field>_sv`` / ``<field>_en`` beside it. An empty translation falls back to Finnish."""

    def in_active_language(self, field: str) -> str:
        language = (get_language() or "fi")[:2]
        finnish_field = f"{field}_fi" if hasattr(self, f"{field}_fi") else field
        finnish = getattr(self, finnish_field)
        if language in {"sv", "en"}:
            return getattr(self, f"{field}_{language}", "") or finnish
        return finnish

    def language_of(self, field: str) -> str:
        """The language of what ``in_active_language(field)`` shows: the active one, or
        "fi" when the text falls back to Finnish (for the element's ``lang``)."""
        language = (get_language() or "fi")[:2]
        if language in {"sv", "en"} and getattr(self, f"{field}_{language}", ""):
            return language
        return "fi"


class Competition(TranslatedTextMixin, models.Model):
    """One year of the award, from the call for nominations to the published result."""

    year = models.PositiveSmallIntegerField(
        _("vuosi"), unique=True, validators=[MinValueValidator(FIRST_AWARD_YEAR)]
    )
    title = models.CharField(_("otsikko"), max_length=200, validators=[single_line])
    introduction = models.TextField(
        _("johdanto"), help_text=_("Etusivulla näkyvä kuvaus vuoden kilpailusta.")
    )
    prize_text = models.TextField(
        _("palkinto"),
        help_text=_("Esimerkiksi: 1000 euroa ja matka sosiaalialan konferenssiin ulkomaille."),
    )
    title_sv = models.CharField(
        _("otsikko ruotsiksi"), max_length=200, blank=True, validators=[single_line]
    )
    title_en = models.CharField(
        _("otsikko englanniksi"), max_length=200, blank=True, validators=[single_line]
    )
    introduction_sv = models.TextField(_("johdanto ruotsiksi"), blank=True)
    introduction_en = models.TextField(_("johdanto englanniksi"), blank=True)
    prize_text_sv = models.TextField(_("palkinto ruotsiksi"), blank=True)
    prize_text_en = models.TextField(_("palkinto englanniksi"), blank=True)
    nomination_opens_at = models.DateTimeField(_("ehdotusaika alkaa"))
    nomination_closes_at = models.DateTimeField(
        _("ehdotusaika päättyy"),
        help_text=_("Ensimmäinen hetki, jolloin ehdotuksia ei enää oteta vastaan."),
    )
    scoring_closes_at = models.DateTimeField(
        _("arviointi päättyy"), help_text=_("Tämän jälkeen raati ei voi muuttaa pisteitään.")
    )
    voting_opens_at = models.DateTimeField(_("äänestys alkaa"))
    voting_closes_at = models.DateTimeField(
        _("äänestys päättyy"),
        help_text=_(
            "Ensimmäinen hetki, jolloin ääniä ei enää oteta vastaan: äänestys, jonka viimeinen "
            "päivä on 27.2., päättyy 28.2. klo 0.00."
        ),
    )
    finalist_count = models.PositiveSmallIntegerField(
        _("finalistien määrä"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Kuinka monta finalistia raati valitsee yleisöäänestykseen. Kilpailukutsussa 4."
        ),
    )
    # The results announcement, as the award has it: a day and a place (the social-work
    # conference, usually), told on the front page and in the timeline.
    announcement_on = models.DateField(
        _("tulosten julkistuspäivä"),
        null=True,
        blank=True,
        help_text=_("Päivä, jona voittaja julkistetaan. Näkyy etusivun aikataulussa."),
    )
    announcement_place = models.CharField(
        _("julkistuspaikka"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Esimerkiksi: Sosiaalialan asiantuntijapäivät, Tampere-talo."),
    )
    announcement_place_sv = models.CharField(
        _("julkistuspaikka ruotsiksi"), max_length=200, blank=True, validators=[single_line]
    )
    announcement_place_en = models.CharField(
        _("julkistuspaikka englanniksi"), max_length=200, blank=True, validators=[single_line]
    )
    finalists_published_at = models.DateTimeField(
        _("finalistit julkistettu"), null=True, blank=True, editable=False
    )
    results_published_at = models.DateTimeField(
        _("tulokset julkistettu"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)

    class Meta:
        verbose_name = _("kilpailuvuosi")
        verbose_name_plural = _("kilpailuvuodet")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="hyvakaytanto_competition_year_since_2007",
                condition=Q(year__gte=FIRST_AWARD_YEAR),
            ),
            models.CheckConstraint(
                name="hyvakaytanto_competition_timeline_in_order",
                condition=Q(nomination_opens_at__lt=F("nomination_closes_at"))
                & Q(nomination_closes_at__lte=F("scoring_closes_at"))
                & Q(scoring_closes_at__lte=F("voting_opens_at"))
                & Q(voting_opens_at__lt=F("voting_closes_at")),
                violation_error_message=_(
                    "Aikataulun päivämäärät eivät ole oikeassa järjestyksessä."
                ),
            ),
            models.CheckConstraint(
                name="hyvakaytanto_competition_results_after_finalists",
                condition=Q(results_published_at__isnull=True)
                | Q(finalists_published_at__isnull=False),
                violation_error_message=_(
                    "Tuloksia ei voi julkistaa ennen kuin finalistit on julkistettu."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.year)

    def clean(self) -> None:
        """Name the first field that breaks the timeline's order, in Finnish."""
        messages = {
            "nomination_closes_at": _("Ehdotusajan on päätyttävä sen alkamisen jälkeen."),
            "scoring_closes_at": _("Arviointi voi päättyä aikaisintaan ehdotusajan päättyessä."),
            "voting_opens_at": _("Äänestys voi alkaa aikaisintaan arvioinnin päätyttyä."),
            "voting_closes_at": _("Äänestyksen on päätyttävä sen alkamisen jälkeen."),
        }
        strict = {"nomination_closes_at", "voting_closes_at"}
        for earlier, later in pairwise(TIMELINE):
            start, end = getattr(self, earlier), getattr(self, later)
            if start is None or end is None:
                continue
            if end < start or (later in strict and end == start):
                raise ValidationError({later: messages[later]})

    def phase_at(self, moment: datetime) -> Phase:
        """The phase at ``moment`` (an aware datetime): a pure function of the timeline."""
        if self.results_published_at is not None and self.results_published_at <= moment:
            return Phase.PUBLISHED
        if moment < self.nomination_opens_at:
            return Phase.DRAFT
        if moment < self.nomination_closes_at:
            return Phase.NOMINATION
        finalists_public = (
            self.finalists_published_at is not None and self.finalists_published_at <= moment
        )
        # Voting cannot start before the finalists are public, whatever the calendar says.
        if not finalists_public or moment < self.voting_opens_at:
            return Phase.REVIEW
        if moment < self.voting_closes_at:
            return Phase.VOTING
        return Phase.DELIBERATION

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    @property
    def finalists_are_public(self) -> bool:
        """The finalists have been published (the vote may still be to come)."""
        return self.finalists_published_at is not None and self.finalists_published_at <= (
            timezone.now()
        )

    @property
    def local_title(self) -> str:
        return self.in_active_language("title")

    @property
    def local_introduction(self) -> str:
        return self.in_active_language("introduction")

    @property
    def local_prize_text(self) -> str:
        return self.in_active_language("prize_text")


class Criterion(TranslatedTextMixin, models.Model):
    """One of the four fixed award criteria, seeded by a data migration."""

    number = models.PositiveSmallIntegerField(_("numero"), unique=True)
    name_fi = models.CharField(_("nimi (suomi)"), max_length=200)
    name_sv = models.CharField(_("nimi (ruotsi)"), max_length=200)
    name_en = models.CharField(_("nimi (englanti)"), max_length=200)
    guidance_fi = models.TextField(_("ohje (suomi)"))
    guidance_sv = models.TextField(_("ohje (ruotsi)"))
    guidance_en = models.TextField(_("ohje (englanti)"))

    class Meta:
        verbose_name = _("arviointikriteeri")
        verbose_name_plural = _("arviointikriteerit")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return self.in_active_language("name")

    @property
    def guidance(self) -> str:
        return self.in_active_language("guidance")


class RateLimitCounter(models.Model):
    """Requests counted per client and fixed time window, shared by every app server.

    Lives in PostgreSQL because it is the one shared state of the deployment: a cache in
    one process would let a client spread its requests over many processes, and Django's
    database cache cannot increment atomically. See ``core.ratelimit``.

    The table is UNLOGGED (migration 0006): counting writes no WAL and waits for no disk
    flush, which every vote would otherwise pay once more. PostgreSQL empties it after a
    crash, which only forgets the counts of the current window.
    """

    key = models.CharField(max_length=128)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="hyvakaytanto_ratelimitcounter_one_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="hyvakaytanto_ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class AuditEvent(models.Model):
    """One line of the audit log: who did what, when.

    Append-only: a database trigger refuses every UPDATE, and every DELETE of a row younger than
    the log's retention (AUDIT_RETENTION in the migration), so neither the application nor
    anyone with its database account can quietly rewrite the record. The actor is kept as a
    number and a name, not a foreign key, so that erasing a voter's account later does not
    need to touch the log; the log never holds a voter's e-mail address.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Kirjautuminen")
        LOGIN_FAILED = "login_failed", _("Epäonnistunut kirjautuminen")
        LOCKED_OUT = "locked_out", _("Tili lukittu virheellisten salasanojen vuoksi")
        SECOND_FACTOR_FAILED = "otp_failed", _("Väärä vahvistuskoodi")
        SECOND_FACTOR_ADDED = "otp_added", _("Todennussovellus otettu käyttöön")
        SESSION_EXPIRED = "session_expired", _("Istunto vanheni")
        REFUSED = "refused", _("Pääsy evätty")
        ACCOUNT_DEACTIVATED = "deactivated", _("Tili poistettu käytöstä")
        SCORE_SAVED = "score_saved", _("Pisteet tallennettu")
        SCORING_DONE = "scoring_done", _("Arviointi merkitty valmiiksi")
        SCORING_REOPENED = "scoring_reopened", _("Arviointi avattu uudelleen")
        CONFLICT_DECLARED = "conflict", _("Esteellisyys ilmoitettu")
        CONFLICT_WITHDRAWN = "conflict_withdrawn", _("Esteellisyys peruttu")
        SHORTLISTED = "shortlisted", _("Finalistiksi valittu")
        UNSHORTLISTED = "unshortlisted", _("Poistettu finalisteista")
        FINALISTS_PUBLISHED = "finalists_published", _("Finalistit julkaistu")
        DECIDED = "decided", _("Raadin ratkaisu")
        RESULTS_PUBLISHED = "results_published", _("Tulokset julkaistu")
        RESULTS_UNPUBLISHED = "results_unpublished", _("Tulosten julkaisu peruttu")
        FEEDBACK_SENT = "feedback_sent", _("Raadin palaute lähetetty ehdottajille")
        EXPORT = "export", _("Henkilötietoja sisältävä vienti")
        ERASED = "erased", _("Henkilötiedot poistettu")
        RETENTION = "retention", _("Säilytysajan ylittäneet tiedot poistettu")
        YEAR_DELETED = "year_deleted", _("Kilpailuvuosi poistettu")
        INVITED = "invited", _("Kutsu lähetetty")
        INVITATION_REVOKED = "invitation_revoked", _("Kutsu peruttu")
        INVITATION_ACCEPTED = "invitation_accepted", _("Kutsu hyväksytty")
        RECOVERY_CODES = "recovery_codes", _("Uudet varakoodit luotu")
        VOTES_DECIDED = "votes_decided", _("Päätös epäilyttävistä äänistä")
        VOTES_DECISION_REVERSED = "votes_reversed", _("Päätös äänistä peruttu")
        VOTES_UNCONFIRMED = "votes_unconfirmed", _("Vahvistamattomat äänet poistettu")
        AGENDA_CHANGED = "agenda_changed", _("Raadin kokouksen asialistaa muutettu")
        SCORE_REVISED = "score_revised", _("Pisteitä tarkistettu kokouksen jälkeen")

    at = models.DateTimeField(_("aika"), default=timezone.now, db_index=True, editable=False)
    actor_id = models.BigIntegerField(_("käyttäjän numero"), null=True, editable=False)
    actor = models.CharField(_("käyttäjä"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("tapahtuma"), max_length=32, choices=Action, editable=False)
    target = models.CharField(_("kohde"), max_length=255, blank=True, editable=False)
    details = models.JSONField(_("tiedot"), default=dict, blank=True, editable=False)
    client = models.CharField(
        _("asiakkaan tunniste"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_("Avainnettu tiiviste verkko-osoitteesta, ei itse osoitetta."),
    )

    class Meta:
        verbose_name = _("lokitapahtuma")
        verbose_name_plural = _("tarkastusloki")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.get_action_display()}"


class AccountSession(models.Model):
    """Which sessions belong to which account, so that all of them can be ended at once (when
    an account is deactivated). Deleted with its session, at sign-out and by clearsessions."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("istunto")
        verbose_name_plural = _("istunnot")

    def __str__(self) -> str:
        return f"{self.user_id}"


class OutgoingEmail(models.Model):
    """One e-mail on its way out: written in the transaction that causes it, delivered by the
    task queue's worker (``core.mail``).

    ``key`` makes delivery idempotent: the worker sends a message only while holding its row
    and marks it sent in the same transaction, so a retried or recovered job never sends a
    delivered message again; it is also the message's Message-ID. The message itself (which
    may hold a private link or a sign-in code) is erased once delivered; the row is deleted
    by ``apply_retention`` (SENT_EMAIL_RETENTION_DAYS, FAILED_EMAIL_RETENTION_DAYS).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Lähtevä")
        SENT = "sent", _("Lähetetty")
        FAILED = "failed", _("Epäonnistunut")

    key = models.UUIDField(_("tunniste"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now, editable=False)
    queued_at = models.DateTimeField(
        _("jonoon"),
        default=timezone.now,
        editable=False,
        help_text=_("Uudelleenyritykset jatkuvat vuorokauden tästä hetkestä."),
    )
    state = models.CharField(
        _("tila"), max_length=10, choices=State, default=State.QUEUED, editable=False
    )
    subject = models.CharField(_("aihe"), max_length=255, editable=False)
    recipients = models.CharField(_("vastaanottajat"), max_length=1000, editable=False)
    message = models.JSONField(_("viesti"), null=True, editable=False)
    attempts = models.PositiveIntegerField(_("yrityksiä"), default=0, editable=False)
    last_error = models.CharField(_("viimeisin virhe"), max_length=500, blank=True, editable=False)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, editable=False)

    class Meta:
        verbose_name = _("lähtevä sähköposti")
        verbose_name_plural = _("lähtevät sähköpostit")
        ordering = ["-created_at", "-pk"]
        permissions = [("resend_outgoingemail", _("Voi lähettää epäonnistuneen viestin uudelleen"))]
        indexes = [
            # The health check's "oldest unsent e-mail" and the admin's filter.
            models.Index(fields=["state", "queued_at"], name="hyvakaytanto_email_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False)
                | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="hyvakaytanto_outgoingemail_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"


class StoredFile(models.Model):
    """A file kept in PostgreSQL (``core.storage.DatabaseStorage``): every app server
    reads the same files, and one database backup holds them with everything else."""

    name = models.CharField(max_length=255, primary_key=True)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tallennettu tiedosto")
        verbose_name_plural = _("tallennetut tiedostot")

    def __str__(self) -> str:
        return self.name


def file_storage():
    return storages["private"]


class SiteSettings(models.Model):
    """The site's identity, one row set by staff in the admin; with no row, the defaults in
    ``core.branding``. Pages read it through ``branding.site_identity()``."""

    SINGLE_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW, editable=False)
    name = models.CharField(
        _("sivuston nimi"),
        max_length=60,
        blank=True,
        validators=[single_line],
        help_text=_(
            "Näkyy ylävalikossa kaikilla kielillä. Jätä tyhjäksi, niin nimi on ”Hyvä käytäntö” "
            "sivun kielellä."
        ),
    )
    primary_colour = models.CharField(
        _("pääväri"),
        max_length=7,
        default=DEFAULT_COLOUR,
        validators=[validate_brand_colour],
        help_text=_(
            "Ylävalikon, painikkeiden ja linkkien väri muodossa #rrggbb. Valkoisen tekstin on "
            "erotuttava siitä hyvin (kontrasti vähintään 4,5:1)."
        ),
    )
    logo = models.FileField(
        _("logo"),
        storage=file_storage,
        max_length=200,
        blank=True,
        help_text=_(
            "PNG, JPEG tai WebP, läpinäkyvä tausta sopii. Näytetään ylävalikossa 32 px korkeana "
            "valkoisella tekstillä kirjoitetun nimen vieressä."
        ),
    )
    icon = models.FileField(
        _("sivuston kuvake"),
        storage=file_storage,
        max_length=200,
        blank=True,
        help_text=_(
            "Selaimen välilehdessä ja puhelimen kotinäytöllä. Neliönmuotoinen kuva, vähintään "
            "180 × 180 px; muu rajataan keskeltä neliöksi."
        ),
    )
    updated_at = models.DateTimeField(_("muutettu"), auto_now=True)

    class Meta:
        verbose_name = _("sivuston asetukset")
        verbose_name_plural = _("sivuston asetukset")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="hyvakaytanto_sitesettings_single_row"),
            models.CheckConstraint(
                condition=Q(primary_colour__regex=r"^#[0-9a-f]{6}$"),
                name="hyvakaytanto_sitesettings_colour_hex",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Sivuston asetukset"))


class KeyFingerprint(models.Model):
    """A keyed fingerprint of the SECRET_KEY the deployment's nodes share, written by
    ``migrate`` (``core.deployment``): a node with another key is found by
    ``manage.py check --deploy``. The key itself cannot be recovered from it."""

    SINGLE_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW, editable=False)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="key_fingerprint_single_row")
        ]

    def __str__(self) -> str:
        return self.fingerprint
