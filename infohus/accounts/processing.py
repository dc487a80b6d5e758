"""Records of processing for accounts, organisations and memberships (see privacy.processing)."""

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

ACCOUNT_KEPT = _("As long as the account exists; no retention rule covers it yet.")

RECORDS: list[Declaration] = [
    NoPersonalData("accounts.Organisation", _("Authorities, institutions and partners: names, kinds and places.")),
    Personal(
        model="accounts.User",
        fields=("username", "first_name", "last_name", "email", "password", "last_login", "date_joined",
                "preferred_language", "is_active", "is_staff", "is_superuser"),
        subjects=(STAFF,),
        purpose=_("To let the people who work with concerns, cases, training and community work sign in, and to "
                  "say who did what."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators manage accounts; a colleague's name is shown where people work together. "
                "The password is stored only as a hash."),
        kept=ACCOUNT_KEPT,
    ),
    Personal(
        model="accounts.Membership",
        fields=("user", "organisation", "role", "is_active", "created_at"),
        subjects=(STAFF,),
        purpose=_("Which role a person has in which organisation: it decides what they may do and see."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators; each person sees their own roles."),
        kept=ACCOUNT_KEPT,
    ),
    Personal(
        model="accounts.SignedInSession",
        fields=("user", "session_key", "started_at"),
        subjects=(STAFF,),
        purpose=_("To end all of a person's sessions at once, for example when their account is disabled."),
        legal_basis=(SECURITY,),
        scope=PLATFORM_ONLY,
        kept=_("Until the person signs out or the session expires."),
    ),
]
