"""Sign-in forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name or password is wrong. After several failed attempts the account is locked "
            "for a while."
        ),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdecimal()):
            raise forms.ValidationError(_("The code is six digits."))
        return token


class ApiTokenForm(forms.Form):
    """A new personal access token: what it is for, whether it may write, how long it lasts."""

    name = forms.CharField(
        label=_("What is the token for?"),
        max_length=100,
        help_text=_("E.g. the case system or the report that will use it. Only you and the leaders see it."),
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=[("read", _("Read only")), ("write", _("Read and write"))],
        initial="read",
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(
        label=_("Lasts for"),
        choices=[(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))],
        coerce=int,
        initial=90,
    )
