from django.urls import path

from nominations import views

app_name = "nominations"

urlpatterns = [
    path("ehdota/", views.nominate, name="nominate"),
    path("ehdotus/linkki/", views.resend_link, name="resend"),
    path("ehdotus/luonnos/tallenna/", views.draft_autosave, name="draft_autosave_new"),
    path("ehdotus/luonnos/<str:token>/", views.draft_page, name="draft"),
    path("ehdotus/luonnos/<str:token>/tallenna/", views.draft_autosave, name="draft_autosave"),
    path("ehdotus/<str:token>/", views.nomination_detail, name="detail"),
    path("ehdotus/<str:token>/muokkaa/", views.nomination_edit, name="edit"),
    path("ehdotus/<str:token>/peru/", views.nomination_withdraw, name="withdraw"),
    path("ehdotus/<str:token>/liite/<int:pk>/", views.nomination_attachment, name="attachment"),
    path("liitteet/<int:pk>/", views.attachment_download, name="attachment_download"),
]
