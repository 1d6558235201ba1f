from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from patients.api import token_pages
from trd_clinic.accounts import views as account_views
from trd_clinic.admin_view_on_site import view_on_site

urlpatterns = [
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", token_pages.token_list, name="api_tokens"),
    path("accounts/", include("trd_clinic.accounts.urls")),
    # One log-in, with the second factor, for the admin too (the admin's own form has none).
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_login_two_factor",
    ),
    # before admin.site.urls: the admin's own shortcut would reveal other clinics' ids (issue 10 §8)
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="admin_view_on_site_in_scope",
    ),
    path("admin/", admin.site.urls),
    path("", include("staging.urls")),
    path("", include("patients.urls")),
    path("", include("audit.urls")),
    # last: its catch-all answers 404 as problem details for any other path under /api/v1/
    path("api/v1/", include("patients.api.urls")),
]
