"""Calibration before scoring: the chair's example texts with reference scores (their own
admin list), and each juror's calibration page, reached from their scoring list."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Competition, Criterion
from jury.admin.access import has_seat, visible_competition_ids
from jury.enums import SCORE_MAX, SCORE_MIN
from jury.models import CalibrationText

# Enough to see the scale; more would delay the year's real scoring.
MAX_TEXTS = 3
SCALE = [(value, str(value)) for value in range(SCORE_MIN, SCORE_MAX + 1)]


class CalibrationTextForm(forms.ModelForm):
    """The text and the chair's reference score for each criterion (a field each)."""

    class Meta:
        model = CalibrationText
        fields = ["competition", "title", "text"]

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competition"].queryset = self.fields["competition"].queryset.filter(
            pk__in=[year.pk for year in years]
        )
        newest = self.fields["competition"].queryset.order_by("-year").first()
        if newest is not None and self.instance.pk is None:
            self.fields["competition"].initial = newest.pk  # the year the chair is running
        for criterion in Criterion.objects.order_by("number"):
            name = f"k{criterion.number}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"K{criterion.number} {criterion.name}",
                choices=[("", "—"), *SCALE],  # chosen on purpose, never a silent 1
                coerce=int,
                help_text=_("Puheenjohtajan viitepisteet"),
                initial=(self.instance.reference or {}).get(str(criterion.number)),
            )

    def clean(self):
        data = super().clean()
        year = data.get("competition")
        full = (
            year is not None
            and self.instance.pk is None
            and CalibrationText.objects.filter(competition=year).count() >= MAX_TEXTS
        )
        if full:
            raise ValidationError(
                gettext("Vuodella voi olla enintään %(count)s kalibrointitekstiä.")
                % {"count": MAX_TEXTS}
            )
        return data

    def save(self, commit=True):
        self.instance.reference = {
            name[1:]: value for name, value in self.cleaned_data.items() if name[0] == "k"
        }
        return super().save(commit)


@admin.register(CalibrationText)
class CalibrationTextAdmin(admin.ModelAdmin):
    """The chair's calibration texts for their year (optional: none, no calibration)."""

    list_display = ["title", "competition"]
    form = CalibrationTextForm

    def _chaired(self, request) -> list[int]:
        """The years the user chairs: for someone seated on a panel, the years they oversee
        are exactly those (both answers are kept for the request by jury.admin.access)."""
        return visible_competition_ids(request) if has_seat(request) else []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(competition__in=self._chaired(request))

    def get_form(self, request, obj=None, **kwargs):
        # The reference fields are made per criterion in the form's __init__ (rows in the
        # database), so the model form is built from the model's own fields alone.
        kwargs["fields"] = CalibrationTextForm.Meta.fields
        form = super().get_form(request, obj, **kwargs)
        years = Competition.objects.filter(pk__in=self._chaired(request))

        class ForTheChair(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, years=years, **inner)

        return ForTheChair

    def get_fields(self, request, obj=None):
        numbers = Criterion.objects.order_by("number").values_list("number", flat=True)
        return ["competition", "title", "text", *[f"k{n}" for n in numbers]]

    def _chairs(self, request) -> bool:
        return bool(self._chaired(request))

    def has_module_permission(self, request) -> bool:
        return self._chairs(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._chairs(request)

    def has_add_permission(self, request) -> bool:
        return self._chairs(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._chairs(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._chairs(request)
