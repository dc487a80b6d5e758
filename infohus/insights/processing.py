"""Records of processing for research projects and extracts (see privacy.processing)."""

from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Capability as C
from infohus.privacy.processing import (
    PUBLIC_TASK,
    RESEARCH,
    RESEARCHERS,
    SECURITY,
    STAFF,
    Declaration,
    Personal,
)

RECORDS: list[Declaration] = [
    Personal(
        model="insights.ResearchProject",
        fields=("researchers", "proposed_by", "decided_by", "decision_note"),
        subjects=(RESEARCHERS, STAFF),
        purpose=_("To know who asked for research data, for what, and who approved it. The extracts carry keyed "
                  "pseudonyms, ages in bands and coarsened dates: never names or identifiers."),
        legal_basis=(RESEARCH, PUBLIC_TASK, SECURITY),
        seen_by=(C.ANALYSE, C.AUDIT),
        scope=_("The analyst who proposed it and the data protection officer who decides."),
        kept=_("As long as the project's extracts may be asked about; no retention rule covers it yet."),
    ),
    Personal(
        model="insights.ResearchExtract",
        fields=("made_by",),
        subjects=(STAFF,),
        purpose=_("A log of every extract: what it held and who made it; the extract itself is never stored."),
        legal_basis=(RESEARCH, SECURITY),
        seen_by=(C.ANALYSE, C.AUDIT),
        kept=_("As long as the project; no retention rule covers it yet."),
    ),
]
