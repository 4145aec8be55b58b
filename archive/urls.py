from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("arkisto/", views.archive_index, name="index"),
    path("arkisto/<int:year>/", views.archive_year, name="year"),
    path("tulokset/<int:year>/", views.results, name="results"),
]
