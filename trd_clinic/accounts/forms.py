from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from trd_clinic.accounts.limits import address_is_blocked

TOO_MANY_FROM_ADDRESS = (
    "Too many failed log-ins from this network address; try again in 15 minutes, or ask your clinic administrator."
)


class LoginForm(AuthenticationForm):
    """Django's log-in form, refused up front when the address has failed too often (any names)."""

    def clean(self):
        if self.request is not None and address_is_blocked(self.request):
            raise forms.ValidationError(TOO_MANY_FROM_ADDRESS, code="address_blocked")
        return super().clean()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication code",
        max_length=16,
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class EnrolForm(CodeForm):
    code = forms.CharField(
        label="Authentication code",
        max_length=6,
        help_text="The 6 digits your authenticator app shows after scanning the code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ResetForm(forms.Form):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your password.")
        return self.cleaned_data["password"]
