from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from patients.api import token_pages

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", token_pages.token_list, name="api_tokens"),
    path("admin/", admin.site.urls),
    path("", include("staging.urls")),
    path("", include("patients.urls")),
    path("", include("audit.urls")),
    # last: its catch-all answers 404 as problem details for any other path under /api/v1/
    path("api/v1/", include("patients.api.urls")),
]
