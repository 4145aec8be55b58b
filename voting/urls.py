from django.urls import path

from voting import views

app_name = "voting"

urlpatterns = [
    path("finalistit/", views.finalists, name="finalists"),
    path("finalistit/aanesta/", views.vote, name="vote"),
    path("finalistit/<slug:slug>/", views.finalist_detail, name="finalist"),
    path("finalistit/<slug:slug>/kuva.png", views.finalist_image, name="finalist_image"),
    path("finalistit/<slug:slug>/aanesta/", views.vote_confirm, name="confirm"),
    path("aanestyksen-saannot/", views.rules, name="rules"),
    path("tili/vahvista-aani/", views.confirm_vote, name="confirm_vote"),
    path("tili/", views.account, name="account"),
    path("tili/kirjaudu/", views.sign_in, name="sign_in"),
    path("tili/poista/", views.account_delete, name="account_delete"),
]
