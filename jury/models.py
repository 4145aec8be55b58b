from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Competition, Criterion, TranslatedTextMixin, file_storage
from core.validators import single_line
from jury.enums import SCORE_MAX, SCORE_MIN, InvitationRole, JuryRole, Recognition
from nominations.models import Nomination


class JuryMember(models.Model):
    """A seat on one year's panel (palkintoraati). Jurors are staff users in the Jury group."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="jury_members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("käyttäjä"),
        on_delete=models.PROTECT,
        related_name="jury_seats",
        # Only staff accounts can sit on a panel: a voter's account never signs in to the admin.
        limit_choices_to={"is_staff": True},
    )
    role = models.CharField(
        _("rooli"), max_length=16, choices=JuryRole.choices, default=JuryRole.MEMBER
    )
    organisation = models.CharField(
        _("organisaatio"),
        max_length=200,
        blank=True,
        help_text=_("Esim. Talentia tai kumppaniorganisaatio."),
        validators=[single_line],
    )
    done_at = models.DateTimeField(
        _("arviointi valmis"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kun jäsen on merkinnyt arviointinsa valmiiksi, pisteet on lukittu."),
    )

    class Meta:
        verbose_name = _("raadin jäsen")
        verbose_name_plural = _("raadin jäsenet")
        ordering = ["competition", "role", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "user"], name="jury_jurymember_one_seat_per_year"
            ),
            models.CheckConstraint(
                name="jury_jurymember_role_valid", condition=Q(role__in=JuryRole.values)
            ),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.competition.year})"

    def clean(self) -> None:
        super().clean()
        if self.user_id is not None and not self.user.is_staff:
            raise ValidationError(
                {
                    "user": _(
                        "Raatiin voi lisätä vain henkilökunnan tilin. Tämä tili ei ole "
                        "henkilökunnan tili, eikä sillä pääse ylläpitoon."
                    )
                }
            )

    @property
    def is_chair(self) -> bool:
        return self.role == JuryRole.CHAIR

    @property
    def is_done(self) -> bool:
        """The juror has marked their scoring done (their sheets are locked). Every screen
        that counts the jurors who are done asks this."""
        return self.done_at is not None


class ConflictOfInterest(models.Model):
    """A juror's declared conflict with a nomination: they neither score it nor see its scores."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="conflicts")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("syy"), max_length=500)
    declared_at = models.DateTimeField(_("ilmoitettu"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("esteellisyys")
        verbose_name_plural = _("esteellisyydet")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "nomination"], name="jury_conflictofinterest_once_per_nomination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} – {self.nomination}"


class Score(models.Model):
    """One juror's score for one nomination on one criterion."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="scores")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("pisteet"))
    comment = models.TextField(_("kommentti"), blank=True, max_length=2000)
    shared_with_nominee = models.BooleanField(
        _("näytetään ehdottajalle"),
        default=False,
        help_text=_(
            "Kommentti lähetetään ehdottajalle tulosten julkistamisen jälkeen, ilman nimeä."
        ),
    )
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pisteytys")
        verbose_name_plural = _("pisteytykset")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "nomination", "criterion"],
                name="jury_score_one_per_juror_nomination_criterion",
            ),
            models.CheckConstraint(
                name="jury_score_value_in_range",
                condition=Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX),
            ),
        ]
        indexes = [models.Index(fields=["nomination", "criterion"], name="jury_score_nom_crit")]

    def __str__(self) -> str:
        return f"{self.juror}: {self.nomination} / {self.criterion.number} = {self.value}"


class OverallComment(models.Model):
    """A juror's overall comment on a nomination, beside the per-criterion comments."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="comments")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="jury_comments"
    )
    text = models.TextField(_("kokonaisarvio"), max_length=4000)
    shared_with_nominee = models.BooleanField(
        _("näytetään ehdottajalle"),
        default=False,
        help_text=_("Arvio lähetetään ehdottajalle tulosten julkistamisen jälkeen, ilman nimeä."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kokonaisarvio")
        verbose_name_plural = _("kokonaisarviot")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "nomination"], name="jury_overallcomment_one_per_nomination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} – {self.nomination}"


class Finalist(TranslatedTextMixin, models.Model):
    """A shortlisted nomination with the jury's statement, and later the jury's decision."""

    nomination = models.OneToOneField(
        Nomination, verbose_name=_("ehdotus"), on_delete=models.PROTECT, related_name="finalist"
    )
    statement = models.TextField(
        _("raadin perustelut"),
        blank=True,
        help_text=_("Julkaistaan finalistisivulla. Kirjoita ennen finalistien julkistamista."),
    )
    statement_sv = models.TextField(
        _("raadin perustelut ruotsiksi"), blank=True, help_text=_("Tyhjä näytetään suomeksi.")
    )
    statement_en = models.TextField(
        _("raadin perustelut englanniksi"), blank=True, help_text=_("Tyhjä näytetään suomeksi.")
    )
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)
    picture = models.FileField(
        _("kuva"),
        storage=file_storage,
        max_length=200,
        blank=True,
        help_text=_(
            "Vapaaehtoinen. JPEG, PNG tai WebP, enintään 10 Mt. Kuva rajataan keskeltä "
            "muotoon 16:9 (1200 × 675 px), ja sen tiedot (esim. sijainti) poistetaan."
        ),
    )
    picture_alt = models.CharField(
        _("kuvan tekstivastine"),
        max_length=250,
        blank=True,
        validators=[single_line],
        help_text=_(
            "Mitä kuvassa näkyy, lukijalle joka ei näe kuvaa. Pakollinen, jos finalistilla on kuva."
        ),
    )
    recognition = models.CharField(
        _("raadin päätös"), max_length=32, choices=Recognition.choices, blank=True, default=""
    )
    recognition_statement = models.TextField(_("päätöksen perustelut"), blank=True)
    recognition_statement_sv = models.TextField(_("päätöksen perustelut ruotsiksi"), blank=True)
    recognition_statement_en = models.TextField(_("päätöksen perustelut englanniksi"), blank=True)
    shortlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    shortlisted_at = models.DateTimeField(_("valittu finalistiksi"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finalisti")
        verbose_name_plural = _("finalistit")
        ordering = ["order", "pk"]
        permissions = [
            ("publish_finalists", _("Voi julkistaa finalistit")),
            ("view_ranking", _("Voi nähdä kaikki pisteet ja järjestyksen")),
            ("set_finalist_picture", _("Voi lisätä finalistin kuvan")),
        ]
        constraints = [
            models.CheckConstraint(
                name="jury_finalist_recognition_valid",
                condition=Q(recognition__in=Recognition.values),
            ),
            models.CheckConstraint(
                name="jury_finalist_picture_has_alt",
                condition=Q(picture="") | ~Q(picture_alt=""),
            ),
            models.CheckConstraint(
                name="jury_finalist_recognition_has_statement",
                condition=Q(recognition="") | ~Q(recognition_statement=""),
            ),
        ]

    def __str__(self) -> str:
        return str(self.nomination)


class ScoringNomination(Nomination):
    """A nomination as a juror meets it in the admin: to be scored."""

    class Meta:
        proxy = True
        verbose_name = _("arvioitava ehdotus")
        verbose_name_plural = _("arvioitavat ehdotukset")


class RankingEntry(Nomination):
    """A nomination in the chair's ranking table."""

    class Meta:
        proxy = True
        verbose_name = _("ehdotus pisteineen")
        verbose_name_plural = _("pisteet ja järjestys")


class JuryReminder(models.Model):
    """One reminder e-mail to a juror: a scheduled one (``days_before`` the scoring deadline,
    at most once per juror, a constraint) or one the chair sent by hand (no days)."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("muistutus")
        verbose_name_plural = _("muistutukset")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "days_before"],
                condition=Q(days_before__isnull=False),
                name="jury_juryreminder_once_per_schedule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror}: {self.days_before}"


class FeedbackRound(models.Model):
    """The year's feedback to nominees, sent once after the results: each contact person gets
    their panel's mean per criterion and the comments jurors marked for them, without names."""

    competition = models.OneToOneField(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.PROTECT,
        related_name="feedback_round",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lähettäjä"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("lähetetty"), default=timezone.now)
    letters = models.PositiveIntegerField(_("sähköposteja"))

    class Meta:
        verbose_name = _("lähetetty palaute")
        verbose_name_plural = _("palaute ehdottajille")
        ordering = ["-sent_at"]
        permissions = [("send_feedback", _("Voi lähettää raadin palautteen ehdottajille"))]

    def __str__(self) -> str:
        return str(self.competition)


class Invitation(models.Model):
    """An invitation to the jury or to communications staff, sent as a one-time link.

    The link carries a random token; only its SHA-256 is kept here, so the table never holds a
    working link. Whoever opens the link sets a password and enrols an authenticator app, and
    only then is the account switched on, given its role, and (for a juror or the chair)
    seated on the year's panel (``jury.services.invitation_accept``). Resending gives a new
    link and a new expiry and ends the old link; revoking ends it for good.
    """

    first_name = models.CharField(_("etunimi"), max_length=150, validators=[single_line])
    last_name = models.CharField(_("sukunimi"), max_length=150, validators=[single_line])
    email = models.EmailField(_("sähköposti"))
    role = models.CharField(_("rooli"), max_length=16, choices=InvitationRole.choices)
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("Raadin jäsenet ja puheenjohtaja kutsutaan yhden vuoden raatiin."),
    )
    organisation = models.CharField(
        _("organisaatio"),
        max_length=200,
        blank=True,
        help_text=_("Esim. Talentia tai kumppaniorganisaatio."),
        validators=[single_line],
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kutsuja"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tili"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="invitations",
    )
    # The account was begun by this invitation (not one switched off before and invited back):
    # only such an account is erased with an invitation that was never accepted.
    made_the_account = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("kutsuttu"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("lähetetty"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("voimassa"), editable=False)
    accepted_at = models.DateTimeField(_("hyväksytty"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, editable=False)

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="jury_invitation_role_valid", condition=Q(role__in=InvitationRole.values)
            ),
            # A panel's roles are for one year; communications staff belong to none.
            models.CheckConstraint(
                name="jury_invitation_year_for_panel_roles",
                condition=Q(role=InvitationRole.STAFF, competition__isnull=True)
                | (~Q(role=InvitationRole.STAFF) & Q(competition__isnull=False)),
            ),
            # One open invitation per address and year: a second would be two live links.
            models.UniqueConstraint(
                Lower("email"),
                "competition",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                nulls_distinct=False,
                name="jury_invitation_one_open_per_address_and_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_open(self, now=None) -> bool:
        """The link still works: neither used, revoked nor expired."""
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at

    def status(self, now=None) -> str:
        if self.accepted_at is not None:
            return _("Hyväksytty")
        if self.revoked_at is not None:
            return _("Peruttu")
        if not self.is_open(now):
            return _("Vanhentunut")
        return _("Odottaa")


class AgendaItem(models.Model):
    """One nomination on the agenda of the jury's meeting: proposed by the site (``reasons``:
    near the line, wide disagreement, an outlier; jury/statistics.agenda_candidates) or added
    by the chair, in the order the chair set, with the chair's note of what was said."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="agenda",
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("ehdotus"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("järjestys"))
    reasons = models.JSONField(_("miksi asialistalla"), default=list, blank=True)
    added_by_chair = models.BooleanField(_("puheenjohtajan lisäämä"), default=False)
    note = models.TextField(_("muistiinpano"), blank=True, max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asialistan kohta")
        verbose_name_plural = _("raadin kokous")
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "nomination"], name="jury_agenda_one_item_a_nomination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.nomination}"


class RevisionRound(models.Model):
    """After the meeting, a window in which jurors may change their scores on the agenda's
    items, each change with a reason (``ScoreRevision``). The chair opens it with a deadline
    and may move the deadline; it closes by itself."""

    competition = models.OneToOneField(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="revision_round",
    )
    opened_at = models.DateTimeField(_("avattu"), default=timezone.now)
    closes_at = models.DateTimeField(_("päättyy"))

    class Meta:
        verbose_name = _("tarkistuskierros")
        verbose_name_plural = _("tarkistuskierrokset")

    def __str__(self) -> str:
        return str(self.competition.year)

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.closes_at


class ScoreRevision(models.Model):
    """One score changed in the revision round: the value before and after, and why. The
    first revision's ``before`` is the score before the discussion."""

    score = models.ForeignKey(
        Score, verbose_name=_("pisteytys"), on_delete=models.CASCADE, related_name="revisions"
    )
    before = models.PositiveSmallIntegerField(_("ennen"))
    after = models.PositiveSmallIntegerField(_("jälkeen"))
    reason = models.TextField(_("perustelu"), max_length=2000)
    revised_at = models.DateTimeField(_("muutettu"), default=timezone.now)

    class Meta:
        verbose_name = _("pisteiden tarkistus")
        verbose_name_plural = _("pisteiden tarkistukset")
        ordering = ["revised_at", "pk"]
        constraints = [
            models.CheckConstraint(name="jury_revision_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.before} → {self.after}"


class CalibrationText(models.Model):
    """An example the panel scores before the year's nominations, so that new jurors learn
    the scale together (optional: a year without texts has no calibration). The chair
    writes it, or pastes a past nomination that has consent for this use, with the chair's
    reference score for each criterion. Calibration scores never count."""

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        on_delete=models.CASCADE,
        related_name="calibration_texts",
    )
    title = models.CharField(_("otsikko"), max_length=200, validators=[single_line])
    text = models.TextField(_("teksti"), max_length=10000)
    # Criterion number (as text, JSON's keys) → the chair's reference score.
    reference = models.JSONField(_("puheenjohtajan viitepisteet"), default=dict)

    class Meta:
        verbose_name = _("kalibrointiteksti")
        verbose_name_plural = _("kalibrointitekstit")
        ordering = ["competition", "pk"]

    def __str__(self) -> str:
        return self.title


class CalibrationScore(models.Model):
    """A juror's score for a calibration text on one criterion (never counted)."""

    juror = models.ForeignKey(
        JuryMember, on_delete=models.CASCADE, related_name="calibration_scores"
    )
    text = models.ForeignKey(CalibrationText, on_delete=models.CASCADE, related_name="scores")
    criterion_number = models.PositiveSmallIntegerField()
    value = models.PositiveSmallIntegerField(_("pisteet"))

    class Meta:
        verbose_name = _("kalibrointipisteet")
        verbose_name_plural = _("kalibrointipisteet")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "text", "criterion_number"],
                name="jury_calibration_one_per_criterion",
            ),
            models.CheckConstraint(
                name="jury_calibration_value_in_range",
                condition=Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} / K{self.criterion_number} = {self.value}"
