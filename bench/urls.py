"""The site's URLs plus the benchmark's ceiling view (never part of the site itself)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from hyvakaytanto.urls import handler500  # noqa: F401 - the site's error page, 503 or 500
from hyvakaytanto.urls import urlpatterns as site_urlpatterns


def insert_ceiling(request):
    """The cheapest useful request: through the same middleware, one INSERT, a tiny answer."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling DEFAULT VALUES")
    return HttpResponse("ok")


def signed_in_insert_ceiling(request):
    """The same, as a signed-in POST with its CSRF token: what any signed-in write costs
    (the session and the user are loaded, the token checked) before its own work."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling DEFAULT VALUES")
    return HttpResponse("ok")


urlpatterns = [
    path("bench/insert/", insert_ceiling),
    path("bench/signed-in-insert/", signed_in_insert_ceiling),
    *site_urlpatterns,
]
