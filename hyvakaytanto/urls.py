from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from core import health
from hyvakaytanto import views

# An error no view handled: 503 when the database is away, 500 otherwise (views.server_error).
handler500 = "hyvakaytanto.views.server_error"

urlpatterns = [
    path("health/", health.health, name="health"),
    path("health/web/", health.web_health, name="health_web"),
    re_path(
        r"^sivusto/teema-(?P<colour>[0-9a-f]{6})\.css$",
        views.theme_stylesheet,
        name="theme_stylesheet",
    ),
    re_path(
        r"^sivusto/(?P<name>[a-z]+-[0-9a-f]{24}\.(?:png|jpg))$",
        views.public_file,
        name="public_file",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("tietosuoja/", views.privacy, name="privacy"),
    path("", include("nominations.urls")),
    path("", include("voting.urls")),
    # Voters sign in with an e-mailed code and have no password: allauth's password pages
    # (reset, change, set) would only offer a way into accounts that have one, the staff's,
    # so only the pages of the one-door sign-in have addresses, in Finnish.
    path("tili/", include("voting.account_urls")),
    path("", include("archive.urls")),
    path("", include("jury.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
