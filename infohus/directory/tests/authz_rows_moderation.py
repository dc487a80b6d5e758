"""Authorisation rows for Get involved, EU networks, About and moderation."""

from typing import Any

from django.core import signing

from infohus.directory.models import EUNetwork, ModerationStep, Submission
from infohus.directory.services import RESUBMIT_SALT
from tests.authz import PUBLIC, Row, allowed

EDITORS = allowed("dorte")


def _submission(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.directory.tests.moderation_helpers import make_submission

    return {"pk": make_submission().pk}


def _resubmission_token(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.directory.tests.moderation_helpers import make_submission

    submission = make_submission()
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHANGES_REQUESTED)
    step = ModerationStep.objects.create(submission=submission, action=ModerationStep.Action.CHANGES_REQUESTED,
                                         note="Please add your website.")
    return {"token": signing.dumps({"submission": submission.pk, "step": step.pk}, salt=RESUBMIT_SALT)}


def _network(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": EUNetwork.objects.create(name="Matrix network", summary="Made for the matrix.").pk}


ROWS = [
    Row("directory:get_involved", PUBLIC),
    Row("directory:get_involved_thanks", PUBLIC),
    Row("directory:resubmit", PUBLIC, kwargs=_resubmission_token, note="the signed link is the permission"),
    Row("directory:eu_networks", PUBLIC),
    Row("directory:about", PUBLIC),
    Row("directory:eu_network_create", EDITORS),
    Row("directory:eu_network_edit", EDITORS, kwargs=_network),
    Row("directory:eu_network_delete", EDITORS, kwargs=_network, method="POST"),
    Row("directory:moderation_queue", EDITORS),
    Row("directory:submission_detail", EDITORS, kwargs=_submission),
    Row("directory:submission_edit", EDITORS, kwargs=_submission, method="POST", ok=frozenset({302, 400})),
    Row("directory:submission_approve", EDITORS, kwargs=_submission, method="POST"),
    Row("directory:submission_reject", EDITORS, kwargs=_submission, method="POST",
        data={"reject-reason": "Not about prevention."}),
    Row("directory:submission_request_changes", EDITORS, kwargs=_submission, method="POST",
        data={"changes-note": "Please add your website."}),
]
