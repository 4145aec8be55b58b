"""The voters' account pages under /tili/, in Finnish, with django-allauth's URL names.

Only what the one-door sign-in by e-mailed code needs: voters have no password, and they
cannot add addresses (each account is one mailbox). allauth's other pages have no address.
"""

from allauth.account import views as allauth
from django.urls import path
from django.views.generic import RedirectView

from voting import views

urlpatterns = [
    path("kirjaudu/", views.sign_in, name="account_request_login_code"),
    # allauth's names for its password sign-in and its sign-up lead to the same one door.
    path("kirjaudu/", views.sign_in, name="account_login"),
    path(
        "rekisteroidy/",
        RedirectView.as_view(pattern_name="account_request_login_code", query_string=True),
        name="account_signup",
    ),
    # A signed-in voter who opens a confirmation page with nothing left to confirm is sent
    # to allauth's address list; a voter's account page stands in for it.
    path(
        "osoite/",
        RedirectView.as_view(pattern_name="voting:account"),
        name="account_email",
    ),
    path("kirjaudu/haaste/", views.proof_challenge, name="proof_challenge"),
    path("kirjaudu/koodi/", allauth.confirm_login_code, name="account_confirm_login_code"),
    path("ulos/", allauth.logout, name="account_logout"),
    path("ei-kaytossa/", allauth.account_inactive, name="account_inactive"),
    path("uudelleen/", allauth.reauthenticate, name="account_reauthenticate"),
    path("vahvista/", allauth.email_verification_sent, name="account_email_verification_sent"),
]
