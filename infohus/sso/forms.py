from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from infohus.sso.models import Provider


class ProviderForm(forms.ModelForm[Provider]):
    """A provider's configuration. The client secret is only ever entered, never shown back."""

    client_secret = forms.CharField(
        label=_("client secret"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown. Leave empty to keep the secret stored now."),
    )

    class Meta:
        model = Provider
        fields = [
            "name", "slug", "issuer", "client_id", "client_secret", "scopes", "organisation_claim", "role_claim",
            "require_mfa", "mfa_amr_values", "mfa_acr_values", "account_policy", "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("client_secret") and not self.instance.has_client_secret:
            self.add_error("client_secret", _("Enter the client secret that the provider issued for Infohus."))
        return cleaned
