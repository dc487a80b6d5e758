"""Why a sign-in through a provider was refused: one code for the audit trail, one status and one
sentence for the person."""

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Reason(StrEnum):
    # The flow itself: a broken or replayed callback (400).
    UNKNOWN_STATE = "unknown_state"
    NO_CODE = "no_code"
    TOKEN_REFUSED = "token_refused"
    NO_ID_TOKEN = "no_id_token"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED_TOKEN = "expired_token"
    WRONG_NONCE = "wrong_nonce"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    INVALID_TOKEN = "invalid_token"
    # The provider itself (502): not reachable, or its discovery document is not usable.
    UNREACHABLE = "unreachable"
    BAD_METADATA = "bad_metadata"
    # What the provider or the configuration says about this person (403).
    INACTIVE_PROVIDER = "inactive_provider"
    PROVIDER_ERROR = "provider_error"
    MFA_MISSING = "mfa_missing"
    UNMAPPED_ORGANISATION = "unmapped_organisation"
    INACTIVE_ORGANISATION = "inactive_organisation"
    UNMAPPED_ROLE = "unmapped_role"
    NO_ACCOUNT = "no_account"
    AMBIGUOUS_EMAIL = "ambiguous_email"
    ALREADY_LINKED = "already_linked"
    ACCOUNT_DISABLED = "account_disabled"
    NO_MEMBERSHIP = "no_membership"
    MEMBERSHIP_ENDED = "membership_ended"


_START_AGAIN = _("Start again from the sign-in page.")
_ASK_ADMINISTRATOR = _("Ask your organisation's administrator.")

_BROKEN_ANSWER = _("The answer from the provider could not be trusted, so you were not signed in.")

# (HTTP status, what happened, what to do)
EXPLANATIONS: dict[Reason, tuple[int, Promise, Promise]] = {
    Reason.UNKNOWN_STATE: (400, _("This sign-in link has already been used, has expired or was started in another "
                                  "browser."), _START_AGAIN),
    Reason.NO_CODE: (400, _("The provider sent you back without a sign-in code."), _START_AGAIN),
    Reason.TOKEN_REFUSED: (400, _("The provider did not accept the sign-in code."), _START_AGAIN),
    Reason.NO_ID_TOKEN: (400, _("The provider did not say who you are (it sent no ID token)."), _ASK_ADMINISTRATOR),
    Reason.BAD_SIGNATURE: (400, _("The provider's answer was not signed with one of the provider's published keys."),
                           _BROKEN_ANSWER),
    Reason.EXPIRED_TOKEN: (400, _("The provider's answer had expired when it arrived."), _START_AGAIN),
    Reason.WRONG_NONCE: (400, _("The provider's answer does not belong to the sign-in you started."), _START_AGAIN),
    Reason.WRONG_ISSUER: (400, _("The provider's answer names another issuer than the one configured."),
                          _BROKEN_ANSWER),
    Reason.WRONG_AUDIENCE: (400, _("The provider's answer was meant for another application."), _BROKEN_ANSWER),
    Reason.INVALID_TOKEN: (400, _("The provider's answer is not a valid ID token."), _BROKEN_ANSWER),
    Reason.UNREACHABLE: (502, _("The provider could not be reached."),
                         _("Try again in a few minutes, or sign in with your user name and password.")),
    Reason.BAD_METADATA: (502, _("The provider's configuration could not be read."), _ASK_ADMINISTRATOR),
    Reason.INACTIVE_PROVIDER: (403, _("Signing in through this provider is switched off."),
                               _("Sign in with your user name and password, or ask your administrator.")),
    Reason.PROVIDER_ERROR: (403, _("The provider did not sign you in."), _START_AGAIN),
    Reason.MFA_MISSING: (403, _("The provider did not confirm that you used a second factor, which Infohus requires "
                                "from this provider."), _("Sign in at the provider with your second factor.")),
    Reason.UNMAPPED_ORGANISATION: (403, _("Your organisation at the provider is not set up for Infohus."),
                                   _ASK_ADMINISTRATOR),
    Reason.INACTIVE_ORGANISATION: (403, _("Your organisation is not active in Infohus."), _ASK_ADMINISTRATOR),
    Reason.UNMAPPED_ROLE: (403, _("Your role at the provider is not one that Infohus accepts from it."),
                           _ASK_ADMINISTRATOR),
    Reason.NO_ACCOUNT: (403, _("No Infohus account is linked to your identity at the provider, and this provider may "
                               "not create accounts."), _ASK_ADMINISTRATOR),
    Reason.AMBIGUOUS_EMAIL: (403, _("More than one Infohus account has your e-mail address, so none was linked."),
                             _ASK_ADMINISTRATOR),
    Reason.ALREADY_LINKED: (403, _("The Infohus account with your e-mail address is already linked to another "
                                   "identity at this provider."), _ASK_ADMINISTRATOR),
    Reason.ACCOUNT_DISABLED: (403, _("Your Infohus account is disabled."), _ASK_ADMINISTRATOR),
    Reason.NO_MEMBERSHIP: (403, _("Your Infohus account does not have the role in the organisation that the provider "
                                  "gave."), _ASK_ADMINISTRATOR),
    Reason.MEMBERSHIP_ENDED: (403, _("Your role in the organisation that the provider gave has been ended in "
                                     "Infohus."), _ASK_ADMINISTRATOR),
}


class SignInRefused(Exception):
    """A sign-in through a provider that cannot go on. `detail` is for the audit trail and, where
    it helps the person (a provider's error code), for the page; it never holds a token."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail[:300]
        # The account the claims matched, when there was one: named in the audit row.
        self.user: Any = None

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)

    @property
    def status(self) -> int:
        return EXPLANATIONS[self.reason][0]
