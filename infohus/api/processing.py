"""Records of processing for API tokens and integrations (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import PUBLIC_TASK, SECURITY, STAFF, Declaration, Personal

RECORDS: list[Declaration] = [
    Personal(
        model="desk_api.Integration",
        fields=("name", "client_id", "description", "account", "is_active", "created_at", "created_by"),
        subjects=(STAFF,),
        purpose=_("Which other systems may call the API, and the service account each acts as."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("System administrators."),
        kept=_("As long as the integration exists; no retention rule covers it yet."),
    ),
    Personal(
        model="desk_api.ApiToken",
        fields=("name", "key_id", "secret_hash", "user", "membership", "integration", "scopes", "created_at",
                "created_by", "expires_at", "revoked_at", "revoked_by", "last_used_at"),
        subjects=(STAFF,),
        purpose=_("To let a person's scripts or another system call the API as them, within the token's scopes, "
                  "and to say which token made a call."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.ADMINISTER,),
        scope=_("Each person sees their own tokens; system administrators see integrations' tokens. Only a digest "
                "of the secret is stored."),
        kept=_("As long as the account exists; an expired or revoked token stays so that the audit trail can name it."),
    ),
]
