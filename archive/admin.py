from django.contrib import admin
from django.db import models

from archive.models import Award, AwardYear

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class AwardInline(admin.TabularInline):
    model = Award
    formfield_overrides = HTTPS_URLS
    extra = 0
    fields = ["kind", "practice_name", "organisation", "innokyla_url", "order"]


@admin.register(AwardYear)
class AwardYearAdmin(admin.ModelAdmin):
    list_display = ["year", "awarded", "competition"]
    list_filter = ["awarded"]
    list_select_related = ["competition"]
    search_fields = ["year", "note"]
    inlines = [AwardInline]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "practice_name", "organisation"]
    list_filter = ["kind", "year"]
    list_select_related = ["year"]
    search_fields = ["practice_name", "organisation"]
    autocomplete_fields = ["year"]
    formfield_overrides = HTTPS_URLS
