from django.urls import path

from trd_clinic.accounts import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.status, name="two_factor"),
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
    path("two-factor/enrol/", views.enrol, name="two_factor_enrol"),
    path("two-factor/reset/", views.reset, name="two_factor_reset"),
    path("two-factor/recovery-codes/", views.new_recovery_codes, name="two_factor_recovery_codes"),
]
