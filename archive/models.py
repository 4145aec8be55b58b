from itertools import groupby
from operator import attrgetter

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.enums import AwardKind, kind_heading
from core.models import FIRST_AWARD_YEAR, Competition, TranslatedTextMixin
from core.validators import single_line
from nominations.models import Nomination


class AwardYear(models.Model):
    """A year of the award in the permanent record, including a year when none was given.

    The archive lists these rows rather than guessing from gaps between awards: a missing
    year in the data must not be shown as "not awarded" unless someone recorded that.
    """

    year = models.PositiveSmallIntegerField(
        _("vuosi"), primary_key=True, validators=[MinValueValidator(FIRST_AWARD_YEAR)]
    )
    awarded = models.BooleanField(_("palkinto jaettiin"), default=True)
    note = models.TextField(
        _("huomautus"),
        blank=True,
        help_text=_("Näytetään arkistossa, esim. miksi palkintoa ei jaettu."),
    )
    competition = models.OneToOneField(
        Competition,
        verbose_name=_("kilpailuvuosi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_year",
        help_text=_("Tällä sovelluksella järjestetty kilpailu; historiallisilla vuosilla tyhjä."),
    )
    # The vote was reviewed (voting/review.py) before these results were published: only
    # then do the results say what the review removed.
    votes_reviewed = models.BooleanField(_("äänestys tarkastettu"), default=False)

    class Meta:
        verbose_name = _("palkintovuosi")
        verbose_name_plural = _("palkintovuodet")
        ordering = ["-year"]
        permissions = [("publish_results", _("Voi julkaista ja perua vuoden tulokset"))]
        constraints = [
            models.CheckConstraint(
                name="archive_awardyear_since_2007", condition=Q(year__gte=FIRST_AWARD_YEAR)
            ),
            models.CheckConstraint(
                name="archive_awardyear_not_awarded_has_note",
                condition=Q(awarded=True) | ~Q(note=""),
                violation_error_message=_("Kerro huomautuksessa, miksi palkintoa ei jaettu."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("archive:year", kwargs={"year": self.year})

    @property
    def extra_note(self) -> str:
        """The note, unless it only says what the page already says in every language."""
        standard = f"Palkintoa ei jaettu vuonna {self.year}."  # the Finnish sentence the page shows
        return "" if self.note.strip() == standard else self.note

    def award_groups(self) -> list[tuple[str, list["Award"]]]:
        """The year's awards grouped by kind, each with its heading, in display order.

        Groups ``self.awards.all()`` as given: prefetch it in display order (see
        ``archive.queries``) or this costs a query.
        """
        groups: list[tuple[str, list[Award]]] = []
        for kind, awards in groupby(self.awards.all(), key=attrgetter("kind")):
            members = list(awards)
            groups.append((kind_heading(kind, len(members)), members))
        return groups


class Award(TranslatedTextMixin, models.Model):
    """One recognition given in one year: the permanent public record."""

    year = models.ForeignKey(
        AwardYear, verbose_name=_("vuosi"), on_delete=models.CASCADE, related_name="awards"
    )
    kind = models.CharField(_("tunnustus"), max_length=32, choices=AwardKind.choices)
    practice_name = models.CharField(_("käytäntö"), max_length=300, validators=[single_line])
    organisation = models.CharField(
        _("organisaatio(t)"),
        max_length=500,
        blank=True,
        help_text=_("Jätä tyhjäksi, jos lähde ei kerro organisaatiota."),
        validators=[single_line],
    )
    description = models.TextField(_("lyhyt kuvaus"), blank=True)
    jury_statement = models.TextField(_("raadin perustelut"), blank=True)
    jury_statement_sv = models.TextField(_("raadin perustelut ruotsiksi"), blank=True)
    jury_statement_en = models.TextField(_("raadin perustelut englanniksi"), blank=True)
    innokyla_url = models.URLField(_("Innokylä-linkki"), blank=True, max_length=500)
    order = models.PositiveSmallIntegerField(
        _("järjestys"),
        default=0,
        help_text=_("Saman tunnustuksen saaneiden keskinäinen järjestys."),
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("ehdotus"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
        help_text=_("Tällä sovelluksella tehty ehdotus; historiallisilla vuosilla tyhjä."),
    )
    vote_count = models.PositiveIntegerField(_("yleisöääniä"), null=True, blank=True)
    vote_share = models.DecimalField(
        _("osuus äänistä (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("tunnustus")
        verbose_name_plural = _("tunnustukset")
        ordering = ["-year", "order", "practice_name"]
        indexes = [models.Index(fields=["year", "kind"], name="archive_award_year_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "practice_name"],
                name="archive_award_one_per_practice_kind_year",
                violation_error_message=_(
                    "Käytäntö on jo merkitty tälle vuodelle samalla tunnustuksella."
                ),
            ),
            models.CheckConstraint(
                name="archive_award_kind_valid", condition=Q(kind__in=AwardKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_id}: {self.practice_name} ({self.get_kind_display()})"

    @property
    def is_winner(self) -> bool:
        return self.kind == AwardKind.WINNER


class ResultsPublication(Competition):
    """A competition year as staff publish its results into the archive."""

    class Meta:
        proxy = True
        verbose_name = _("tulosten julkaisu")
        verbose_name_plural = _("tulosten julkaisu ja tilastot")
