from django.urls import path

from sirkel.accounts import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("logg-ut-overalt/", views.logout_everywhere_view, name="logout_everywhere"),
    path("tofaktor/", views.two_factor, name="two_factor"),
    path("tofaktor/oppsett/", views.two_factor_setup, name="two_factor_setup"),
    path("", views.account, name="account"),
    path("nokler/ny/", views.api_token_create, name="api_token_create"),
    path("nokler/<id:token_id>/trekk-tilbake/", views.api_token_revoke, name="api_token_revoke"),
]
