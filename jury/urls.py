from django.urls import path

from jury import views

app_name = "jury"

urlpatterns = [
    path("kutsu/<str:token>/", views.invitation, name="invitation"),
]
