from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import images
from core.models import Competition, SiteSettings

# Each timeline moment as staff enter it: an opening by its first day, a closing by its last.
# The form field, the model field, and how many days lie between the entered day and the
# stored moment (a window closes at the start of the day after its last day: half-open).
TIMELINE_DAYS = (
    ("nomination_opens_on", "nomination_opens_at", 0),
    ("nomination_last_day", "nomination_closes_at", 1),
    ("scoring_last_day", "scoring_closes_at", 1),
    ("voting_opens_on", "voting_opens_at", 0),
    ("voting_last_day", "voting_closes_at", 1),
)


def start_of_day(day: date) -> datetime:
    """00.00 of ``day`` in Helsinki (the site's time zone), on either side of summer time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def entered_day(moment: datetime, offset_days: int) -> date:
    """The day staff entered for a stored moment: the inverse of ``start_of_day``."""
    local = timezone.localtime(moment)
    if local.time() != time.min:  # a moment set some other way: its day is the one it falls in
        return local.date()
    return local.date() - timedelta(days=offset_days)


class DayInput(AdminDateWidget):
    """The admin's date field with its calendar, showing a day as the site does: 27.2.2027."""

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value.day}.{value.month}.{value.year}"
        return super().format_value(value)


def day_field(label, help_text) -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, widget=DayInput)


class CompetitionForm(forms.ModelForm):
    """The year's dates as people say them: "voting ends 27.2." is typed as 27.2.2027, and
    stored as the first moment after it (28.2.2027 00.00 Helsinki time)."""

    nomination_opens_on = day_field(
        label=_("Ehdotusaika alkaa"),
        help_text=_("Ensimmäinen päivä, jona ehdotuksia otetaan vastaan (klo 0.00 alkaen)."),
    )
    nomination_last_day = day_field(
        label=_("Ehdotusajan viimeinen päivä"),
        help_text=_("Ehdotuksia otetaan vastaan tämän päivän loppuun asti (klo 24.00)."),
    )
    scoring_last_day = day_field(
        label=_("Arvioinnin viimeinen päivä"),
        help_text=_("Raati voi antaa ja muuttaa pisteitä tämän päivän loppuun asti."),
    )
    voting_opens_on = day_field(
        label=_("Äänestys alkaa"),
        help_text=_("Äänestys alkaa klo 0.00, kun finalistit on julkistettu."),
    )
    voting_last_day = day_field(
        label=_("Äänestyksen viimeinen päivä"),
        help_text=_("Esimerkiksi 27.2.2027: ääniä otetaan vastaan 27.2. klo 24.00 asti."),
    )

    class Meta:
        model = Competition
        fields = [
            "year",
            "title",
            "introduction",
            "prize_text",
            "title_sv",
            "title_en",
            "introduction_sv",
            "introduction_en",
            "prize_text_sv",
            "prize_text_en",
            "finalist_count",
            "announcement_on",
            "announcement_place",
            "announcement_place_sv",
            "announcement_place_en",
        ]
        widgets = {"announcement_on": DayInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field, model_field, offset in TIMELINE_DAYS:
            moment = getattr(self.instance, model_field, None)
            if moment is not None:
                self.initial.setdefault(form_field, entered_day(moment, offset))

    def clean(self):
        cleaned = super().clean()
        for form_field, model_field, offset in TIMELINE_DAYS:
            day = cleaned.get(form_field)
            if day is not None:
                setattr(self.instance, model_field, start_of_day(day + timedelta(days=offset)))
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        # The model names its timeline fields; this form shows them by their days.
        names = {model_field: form_field for form_field, model_field, _ in TIMELINE_DAYS}
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {names.get(field, field): messages for field, messages in errors.error_dict.items()}
            )
        super()._update_errors(errors)


_PICTURE_INPUT = forms.ClearableFileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE})


class SiteSettingsForm(forms.ModelForm):
    class Meta:
        model = SiteSettings
        fields = ["name", "primary_colour", "logo", "icon"]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "logo": _PICTURE_INPUT,
            "icon": _PICTURE_INPUT,
        }

    def clean_primary_colour(self) -> str:
        return self.cleaned_data["primary_colour"].strip().lower()

    def clean_logo(self):
        return images.cleaned_picture(
            self.cleaned_data["logo"], shape=images.SITE_LOGO, prefix="logo"
        )

    def clean_icon(self):
        return images.cleaned_picture(
            self.cleaned_data["icon"], shape=images.SITE_ICON, prefix="icon"
        )
