"""The "API tokens" settings page: a user creates and revokes their own tokens.

A normal page (log-in, CSRF). The secret is shown once, on the answer to the creating POST,
and never again: the page after it lists prefixes, names and dates only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from patients.api.tokens import LIFETIME_CHOICES, create_token, revoke_token
from patients.models import ApiToken


class NewTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="What is it for?", help_text="e.g. the script or system that will use it."
    )
    lifetime_days = forms.TypedChoiceField(
        choices=LIFETIME_CHOICES, coerce=int, initial=90, label="Expires after", widget=forms.RadioSelect
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Say what the token is for.")
        return name


@never_cache
def token_list(request):
    """GET lists the user's tokens; POST creates one, or revokes the one `revoke` names."""
    form = NewTokenForm(request.POST if request.method == "POST" and "revoke" not in request.POST else None)
    created = None
    if request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(ApiToken, pk=_token_id(request.POST["revoke"]), user=request.user)
        revoke_token(token, request=request)
        messages.success(request, f"The token {token.prefix}… is revoked: it no longer works.")
        return redirect("api_tokens")
    if form.is_bound and form.is_valid():
        token, secret = create_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["lifetime_days"], request=request
        )
        created = {"token": token, "secret": secret}
        form = NewTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "created": created, "tokens": tokens, "now": timezone.now()},
    )


def _token_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None
