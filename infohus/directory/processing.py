"""Records of processing for the public directory of prevention practice (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    CONSENT,
    PROJECT_CONTACTS,
    PROPOSERS,
    PUBLIC_TASK,
    SECURITY,
    STAFF,
    Declaration,
    NoPersonalData,
    Personal,
)

NO_RULE = _("No retention rule covers it yet.")

RECORDS: list[Declaration] = [
    NoPersonalData("directory.Country", _("Countries and their ISO codes.")),
    NoPersonalData("directory.Tag", _("Target groups, themes and kinds of extremism, the directory's facets.")),
    NoPersonalData("directory.Organisation", _("Organisations that run prevention projects, as published.")),
    NoPersonalData("directory.Project", _("Prevention projects as published: what they do, where and when.")),
    NoPersonalData("directory.EUNetwork", _("European networks of prevention practice.")),
    Personal(
        model="directory.ContactPoint",
        fields=("name", "role", "email", "phone", "phone_original", "address", "original_text"),
        subjects=(PROJECT_CONTACTS,),
        purpose=_("To tell practitioners whom to contact about a project, as the project's own source page "
                  "published it."),
        legal_basis=(PUBLIC_TASK,),
        seen_by=(C.MODERATE_DIRECTORY,),
        scope=_("Everyone, signed in or not, once the project is published; the directory editors correct or "
                "remove it."),
        kept=_("While the project is published; no retention rule covers it yet."),
    ),
    Personal(
        model="directory.ImportBatch",
        fields=("imported_by",),
        subjects=(STAFF,),
        purpose=_("To know who imported a country page, and what changed."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.MODERATE_DIRECTORY,),
        kept=NO_RULE,
    ),
    Personal(
        model="directory.Submission",
        fields=("proposer_name", "proposer_email", "contact", "client_address_hash"),
        subjects=(PROPOSERS, PROJECT_CONTACTS),
        purpose=_("To let anyone propose a project or an organisation, and to answer them; the hashed address "
                  "stops the same sender from flooding the form."),
        legal_basis=(CONSENT, PUBLIC_TASK),
        seen_by=(C.MODERATE_DIRECTORY,),
        scope=_("The directory editors; the contact details are published only when the proposal is accepted."),
        retention="directory_submission",
    ),
    Personal(
        model="directory.ModerationStep",
        fields=("actor", "note"),
        subjects=(STAFF, PROPOSERS),
        purpose=_("To know who accepted, changed or refused a proposal, and why."),
        legal_basis=(PUBLIC_TASK, SECURITY),
        seen_by=(C.MODERATE_DIRECTORY,),
        retention="directory_submission",
        kept=_("The notes go with the proposer's details; who took each step stays, as the audit trail does."),
    ),
]
