from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from hyvakaytanto import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("tietosuoja/", views.privacy, name="privacy"),
    path("", include("nominations.urls")),
    path("", include("voting.urls")),
    path("tili/", include("allauth.urls")),
    path("", include("archive.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
