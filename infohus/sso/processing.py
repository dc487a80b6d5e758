"""Records of processing for single sign-on (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    PLATFORM_ONLY,
    PUBLIC_TASK,
    SECURITY,
    STAFF,
    Declaration,
    NoPersonalData,
    Personal,
)

RECORDS: list[Declaration] = [
    NoPersonalData("sso.Provider", _("Identity providers: addresses, the client id, the encrypted client secret and "
                                     "how their claims are read.")),
    NoPersonalData("sso.OrganisationMapping", _("Which value of a provider's organisation claim stands for which "
                                                "organisation.")),
    NoPersonalData("sso.RoleMapping", _("Which value of a provider's role claim stands for which role.")),
    Personal(
        model="sso.ExternalIdentity",
        fields=("provider", "subject", "user", "linked_at", "last_signed_in_at"),
        subjects=(STAFF,),
        purpose=_("To let a person sign in through their organisation's identity provider: which identity at the "
                  "provider is which account."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators, who can remove a link."),
        kept=_("As long as the account and the provider exist; no retention rule covers it yet."),
    ),
    Personal(
        model="sso.ProviderDevice",
        fields=("user", "name", "confirmed", "provider"),
        subjects=(STAFF,),
        purpose=_("To record that a provider confirmed a person's second factor, so that Infohus does not ask for "
                  "its own."),
        legal_basis=(SECURITY,),
        scope=PLATFORM_ONLY,
        kept=_("As long as the account and the provider exist."),
    ),
]
