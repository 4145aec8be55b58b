"""The site's URLs plus the benchmark's ceiling view (never part of the site itself)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from hyvakaytanto.urls import urlpatterns as site_urlpatterns


def insert_ceiling(request):
    """The cheapest useful request: through the same middleware, one INSERT, a tiny answer."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling DEFAULT VALUES")
    return HttpResponse("ok")


urlpatterns = [path("bench/insert/", insert_ceiling), *site_urlpatterns]
