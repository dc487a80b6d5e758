"""Fetch and authorise concerns in one call, for the concern pages. Each starts from the
need-to-know selectors; a concern outside them is answered like one that does not exist (404),
and the attempt is audited."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from infohus.cases.models import Concern, ConcernAttachment
from infohus.cases.selectors.need_to_know import (
    concerns_for_local_assessment,
    concerns_for_triage,
    concerns_reported_by,
)
from infohus.cases.services.concerns import Action, audit_read, audit_refusal

S = Concern.Status


def _refuse(user: Any, pk: int, *, purpose: str) -> Http404:
    audit_refusal(user=user, concern_pk=pk, purpose=purpose, exists=Concern.objects.filter(pk=pk).exists())
    return Http404()


def my_concerns(user: Any) -> QuerySet[Concern]:
    """The reporter's own concerns, newest first, with only what the status page shows."""
    return (concerns_reported_by(user)
            .only("pk", "reference", "status", "urgent", "received_at", "outcome_for_reporter", "channel")
            .order_by("-received_at", "-pk"))


def my_concern(user: Any, pk: int, *, purpose: str = "reporter's status page") -> Concern:
    """One of the reporter's own concerns (status and general outcome only), or 404."""
    concern = my_concerns(user).filter(pk=pk).first()
    if concern is None:
        raise _refuse(user, pk, purpose=purpose)
    return concern


def local_queue(user: Any) -> QuerySet[Concern]:
    """Concerns of the user's institutions waiting for a local assessment: urgent, then oldest."""
    return (concerns_for_local_assessment(user).filter(status=S.LOCAL_ASSESSMENT)
            .select_related("reported_by", "reporter_organisation").order_by("-urgent", "received_at", "pk"))


def locally_assessed(user: Any) -> QuerySet[Concern]:
    """Concerns of the user's institutions that have had their local assessment, newest first."""
    return (concerns_for_local_assessment(user).exclude(status=S.LOCAL_ASSESSMENT)
            .select_related("reported_by", "local_assessment").order_by("-received_at", "-pk"))


def concern_for_local_assessment(user: Any, pk: int, *, audit: bool = True,
                                 purpose: str = "local assessment") -> Concern:
    """A concern from one of the user's institutions with all it holds, or 404; the read is audited."""
    concern = (concerns_for_local_assessment(user)
               .select_related("reported_by", "reporter_organisation", "institution", "info_house",
                               "local_assessment__assessed_by")
               .filter(pk=pk).first())
    if concern is None:
        raise _refuse(user, pk, purpose=purpose)
    if audit:
        audit_read(user=user, concern=concern, purpose=purpose)
    return concern


def attachments_of(concern: Concern) -> list[ConcernAttachment]:
    return list(ConcernAttachment.objects.filter(concern=concern).order_by("uploaded_at", "pk")
                .only("pk", "concern_id", "original_name", "content_type", "size", "uploaded_at"))


def _with_attachments_visible_to(user: Any) -> Q:
    # The institution's resource person, or the Info house that triages the concern.
    return Q(pk__in=concerns_for_local_assessment(user).values("pk")) | Q(pk__in=concerns_for_triage(user).values("pk"))


def attachments_for_user(user: Any, concern_pk: int, *, purpose: str) -> list[ConcernAttachment]:
    """The attachments (what they are, not their content) of a concern whose files the user may
    download, or 404; the read is audited with the attachments listed."""
    concern = Concern.objects.filter(_with_attachments_visible_to(user), pk=concern_pk).first()
    if concern is None:
        raise _refuse(user, concern_pk, purpose=purpose)
    attachments = attachments_of(concern)
    audit_read(user=user, concern=concern, purpose=purpose, details={"attachments": [a.pk for a in attachments]})
    return attachments


def attachment_for_user(user: Any, concern_pk: int, attachment_pk: int) -> ConcernAttachment:
    """An attachment of a concern whose content the user may see (the institution's resource
    person, or the Info house that triages it), or 404; the download is audited."""
    visible = Q(concern__in=concerns_for_local_assessment(user)) | Q(concern__in=concerns_for_triage(user))
    attachment = (ConcernAttachment.objects.select_related("concern")
                  .filter(visible, pk=attachment_pk, concern_id=concern_pk).first())
    if attachment is None:
        raise _refuse(user, concern_pk, purpose="attachment download")
    audit_read(user=user, concern=attachment.concern, purpose="attachment download",
               action=Action.ATTACHMENT_DOWNLOADED, details={"attachment": attachment.pk})
    return attachment
