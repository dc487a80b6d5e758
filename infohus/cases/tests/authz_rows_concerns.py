"""Authorisation rows for the concern pages. Need-to-know rows create their concern inside
`kwargs`, once per person tried, so that a POST by one person does not change the next one's."""

from typing import Any

from django.core.files.storage import default_storage

from infohus.accounts.models import Organisation, User
from tests.authz import Row, allowed

# Roles with the capability to submit a concern.
REPORTERS = allowed("rasmus", "rikke", "ida", "carl", "rita", "per", "signe", "kamal")
TRIAGE = allowed("ida", "per")
RESOURCE_PEOPLE = allowed("rikke")
MATRIX_FILE = "concerns/authz/matrix.txt"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _prison() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.PRISON_PROBATION)


def _concern(*, reporter: str = "rasmus", **fields: Any) -> Any:
    from infohus.cases.tests.factories import make_concern

    return make_concern(reporter=_user(reporter), **fields)


def _reported_by_rasmus(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _concern().pk}


def _at_rikkes_prison(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.models import Concern

    return {"pk": _concern(status=Concern.Status.LOCAL_ASSESSMENT, institution=_prison()).pk}


def _at_another_institution(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.models import Concern

    school = Organisation.objects.get(kind=Organisation.Kind.SCHOOL)
    return {"pk": _concern(status=Concern.Status.LOCAL_ASSESSMENT, institution=school).pk}


def _attachment(concern: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from infohus.cases.models import ConcernAttachment

    # One small file, written once and shared by every row, so that the matrix leaves nothing
    # behind but it.
    if not default_storage.exists(MATRIX_FILE):
        default_storage.save(MATRIX_FILE, ContentFile(b"matrix"))
    attachment = ConcernAttachment.objects.create(concern=concern, file=MATRIX_FILE, original_name="notes.txt",
                                                  content_type="text/plain", size=6)
    return {"pk": concern.pk, "attachment_pk": attachment.pk}


def _attachment_at_prison(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.cases.models import Concern

    return _attachment(_concern(status=Concern.Status.LOCAL_ASSESSMENT, institution=_prison()))


def _attachment_forwarded_from_prison(world: dict[str, Any]) -> dict[str, Any]:
    return _attachment(_concern(institution=_prison()))


def _attachment_from_school(world: dict[str, Any]) -> dict[str, Any]:
    return _attachment(_concern())


ASSESSMENT = {"participants": "Rikke, the wing officer", "conclusion": "Nothing further.",
              "decision": "no_concern", "version": 1}

ROWS = [
    Row("cases:concern_new", REPORTERS),
    Row("cases:my_concerns", REPORTERS),
    Row("cases:my_concern", allowed("rasmus"), kwargs=_reported_by_rasmus,
        note="only the reporter; everyone else 404 (audited) or 403"),
    Row("cases:telephone_concern", TRIAGE),
    Row("cases:local_queue", RESOURCE_PEOPLE),
    Row("cases:local_concern", RESOURCE_PEOPLE, kwargs=_at_rikkes_prison, note="a concern of rikke's prison"),
    Row("cases:local_concern", RESOURCE_PEOPLE, kwargs=_at_rikkes_prison, method="POST", data=ASSESSMENT,
        note="recording the assessment"),
    Row("cases:local_concern", allowed(), kwargs=_at_another_institution,
        note="a concern of an institution where nobody here is the resource person"),
    Row("cases:local_concern", allowed(), kwargs=_at_another_institution, method="POST", data=ASSESSMENT,
        note="a forged post to another institution's concern"),
    Row("cases:concern_attachment", RESOURCE_PEOPLE, kwargs=_attachment_at_prison,
        note="still with the institution: not yet the Info house's"),
    Row("cases:concern_attachment", allowed("rikke", "ida", "per"), kwargs=_attachment_forwarded_from_prison,
        note="forwarded: the institution and the Info house"),
    Row("cases:concern_attachment", TRIAGE, kwargs=_attachment_from_school,
        note="the reporter sees status only, not the attachments"),
]
