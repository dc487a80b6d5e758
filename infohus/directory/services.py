"""Changes to the directory that pass through people: proposals sent through "Get involved",
their moderation by a directory editor, and the EU networks.

Every moderation step writes a ModerationStep row and an audit event in the same transaction.
E-mails to the proposer go out only once that transaction has committed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

import phonenumbers
from django.core import signing
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infohus.accounts.models import Organisation as AccountOrganisation
from infohus.accounts.models import User
from infohus.audit.services import record_event
from infohus.background.tasks import send_email
from infohus.directory.importer import slug_for_title
from infohus.directory.models import (
    ContactPoint,
    Country,
    EUNetwork,
    ModerationStep,
    Organisation,
    Project,
    Submission,
    Tag,
)
from infohus.directory.search_document import refresh_search_document
from infohus.directory.selectors_moderation import (
    existing_organisation_for,
    existing_project_for,
    organisation_slug,
)


class Action:
    """Names of the audit actions that moderation records."""

    SUBMITTED = "directory.submission_received"
    RESUBMITTED = "directory.submission_resubmitted"
    EDITED = "directory.submission_edited"
    APPROVED = "directory.submission_approved"
    REJECTED = "directory.submission_rejected"
    CHANGES_REQUESTED = "directory.submission_changes_requested"
    NETWORK_CREATED = "directory.eu_network_created"
    NETWORK_CHANGED = "directory.eu_network_changed"
    NETWORK_DELETED = "directory.eu_network_deleted"


class ModerationError(Exception):
    """A moderation step that the submission's state does not allow, with a message for people."""


S = Submission.Status
_OPEN = frozenset({S.PENDING, S.CHANGES_REQUESTED})

RESUBMIT_SALT = "infohus.directory.resubmit"
RESUBMIT_MAX_AGE = timedelta(days=30)


@dataclass(frozen=True)
class ProposalContent:
    """What a proposal says about the organisation or project (not who proposed it)."""

    kind: str
    organisation_name: str
    summary: str
    country: Country
    title: str = ""
    website: str = ""
    contact: str = ""
    prevention_level: str = ""
    tags: tuple[Tag, ...] = field(default_factory=tuple)


_CONTENT_FIELDS = ("kind", "organisation_name", "title", "summary", "website", "country", "contact", "prevention_level")


@dataclass(frozen=True)
class EUNetworkContent:
    name: str
    summary: str
    acronym: str = ""
    website: str = ""
    position: int = 0


_NETWORK_FIELDS = ("name", "acronym", "summary", "website", "position")


# --- proposals ------------------------------------------------------------------------------

@transaction.atomic
def submit_proposal(
    *, content: ProposalContent, proposer_name: str, proposer_email: str, client_address_hash: str
) -> Submission:
    """Store a proposal from "Get involved" as pending and confirm its receipt to the proposer."""
    submission = Submission(proposer_name=proposer_name, proposer_email=proposer_email,
                            client_address_hash=client_address_hash, status=S.PENDING)
    for name in _CONTENT_FIELDS:
        setattr(submission, name, getattr(content, name))
    submission.save()
    submission.target_groups.set(content.tags)
    _step(submission, ModerationStep.Action.SUBMITTED)
    record_event(action=Action.SUBMITTED, object_type="directory.submission", object_id=submission.pk,
                 details={"kind": submission.kind})
    _mail_after_commit(
        submission,
        _("We have received your proposal for the Infohus practice network"),
        _("Dear {name},\n\nThank you for proposing “{what}” for the Infohus practice network. A directory "
          "editor will read it, and we will write to you when it has been published or if we need to "
          "know more.\n\nInfohus practice network").format(name=proposer_name, what=submission),
    )
    return submission


@transaction.atomic
def resubmit_proposal(*, submission: Submission, content: ProposalContent) -> Submission:
    """The proposer's answer to a request for changes: the new content goes back to the queue."""
    submission = _locked(submission, allowed=frozenset({S.CHANGES_REQUESTED}))
    changed = _apply_content(submission, content)
    submission.status = S.PENDING
    submission.save(update_fields=[*(f for f in changed if f != "target_groups"), "status", "updated_at"])
    _step(submission, ModerationStep.Action.SUBMITTED,
          note=_("Resubmitted by the proposer after changes were requested."))
    record_event(action=Action.RESUBMITTED, object_type="directory.submission", object_id=submission.pk,
                 details={"fields": changed})
    return submission


# --- moderation -----------------------------------------------------------------------------

@transaction.atomic
def edit_submission(
    *, submission: Submission, content: ProposalContent, actor: User, organisation: AccountOrganisation | None = None
) -> Submission:
    """An editor's correction of a proposal before it is decided."""
    submission = _locked(submission, allowed=_OPEN)
    changed = _apply_content(submission, content)
    if not changed:
        return submission
    submission.save(update_fields=[*(f for f in changed if f != "target_groups"), "updated_at"])
    _step(submission, ModerationStep.Action.EDITED, actor=actor, note=", ".join(changed))
    record_event(action=Action.EDITED, actor=actor, organisation=organisation, object_type="directory.submission",
                 object_id=submission.pk, details={"fields": changed})
    return submission


@transaction.atomic
def approve_submission(
    *, submission: Submission, actor: User, note: str = "", organisation: AccountOrganisation | None = None
) -> Submission:
    """Publish a proposal: create or update its organisation and, for a project, the project with
    its country, tags and a contact point made from the contact text."""
    submission = _locked(submission, allowed=_OPEN)
    published_organisation, organisation_created = _publish_organisation(submission)
    project: Project | None = None
    project_created = False
    if submission.kind == Submission.Kind.PROJECT:
        project, project_created = _publish_project(submission, published_organisation)
        submission.published_project = project
    submission.published_organisation = published_organisation
    submission.status = S.APPROVED
    submission.save(update_fields=["status", "published_project", "published_organisation", "updated_at"])
    _step(submission, ModerationStep.Action.APPROVED, actor=actor, note=note)
    record_event(
        action=Action.APPROVED, actor=actor, organisation=organisation, object_type="directory.submission",
        object_id=submission.pk,
        details={"organisation_id": published_organisation.pk, "organisation_created": organisation_created,
                 "project_id": project.pk if project else None, "project_created": project_created},
    )
    _mail_after_commit(
        submission,
        _("Your proposal has been published in the Infohus practice network"),
        _("Dear {name},\n\n“{what}” is now published in the Infohus practice network. Thank you for "
          "telling us about it.\n\n{note}Infohus practice network").format(
            name=submission.proposer_name, what=submission, note=f"{note}\n\n" if note else ""),
    )
    return submission


@transaction.atomic
def reject_submission(
    *, submission: Submission, actor: User, reason: str, organisation: AccountOrganisation | None = None
) -> Submission:
    """Decline a proposal. The reason is required: it is sent to the proposer."""
    reason = reason.strip()
    if not reason:
        raise ModerationError(gettext_lazy("Give a reason for the rejection; the proposer will receive it."))
    submission = _locked(submission, allowed=_OPEN)
    submission.status = S.REJECTED
    submission.save(update_fields=["status", "updated_at"])
    _step(submission, ModerationStep.Action.REJECTED, actor=actor, note=reason)
    record_event(action=Action.REJECTED, actor=actor, organisation=organisation, object_type="directory.submission",
                 object_id=submission.pk, purpose=reason)
    _mail_after_commit(
        submission,
        _("Your proposal for the Infohus practice network"),
        _("Dear {name},\n\nThank you for proposing “{what}”. We have decided not to publish it, for this "
          "reason:\n\n{reason}\n\nInfohus practice network").format(
            name=submission.proposer_name, what=submission, reason=reason),
    )
    return submission


@transaction.atomic
def request_changes(
    *,
    submission: Submission,
    actor: User,
    note: str,
    link_for: Callable[[str], str],
    organisation: AccountOrganisation | None = None,
) -> Submission:
    """Send a proposal back to its proposer with a note and a signed link to change and resubmit it.
    link_for turns the token into the absolute address of the resubmission page."""
    note = note.strip()
    if not note:
        raise ModerationError(gettext_lazy("Say what should change; the proposer will receive your note."))
    submission = _locked(submission, allowed=frozenset({S.PENDING}))
    submission.status = S.CHANGES_REQUESTED
    submission.save(update_fields=["status", "updated_at"])
    step = _step(submission, ModerationStep.Action.CHANGES_REQUESTED, actor=actor, note=note)
    record_event(action=Action.CHANGES_REQUESTED, actor=actor, organisation=organisation,
                 object_type="directory.submission", object_id=submission.pk, purpose=note)
    _mail_after_commit(
        submission,
        _("Please change your proposal for the Infohus practice network"),
        _("Dear {name},\n\nThank you for proposing “{what}”. Before we publish it, a directory editor asks "
          "you for the following:\n\n{note}\n\nYou can change and resend your proposal here (the link works "
          "for {days} days):\n{link}\n\nInfohus practice network").format(
            name=submission.proposer_name, what=submission, note=note, days=RESUBMIT_MAX_AGE.days,
            link=link_for(resubmission_token(step))),
    )
    return submission


def resubmission_token(step: ModerationStep) -> str:
    """A signed token naming the request for changes; it is good only while that request is the
    submission's latest step, so an old link stops working once the proposer has answered."""
    return signing.dumps({"submission": step.submission_id, "step": step.pk}, salt=RESUBMIT_SALT)


def submission_for_token(token: str) -> Submission | None:
    """The submission a resubmission link is for, or None when the link is forged, expired or used."""
    try:
        data = signing.loads(token, salt=RESUBMIT_SALT, max_age=RESUBMIT_MAX_AGE)
    except signing.BadSignature:
        return None
    submission = (Submission.objects.select_related("country").prefetch_related("target_groups")
                  .filter(pk=data.get("submission"), status=S.CHANGES_REQUESTED).first())
    if submission is None:
        return None
    # The link belongs to the latest request for changes; an editor's correction made meanwhile
    # does not void it.
    latest = (submission.steps.filter(action=ModerationStep.Action.CHANGES_REQUESTED)
              .order_by("-at", "-pk").values_list("pk", flat=True).first())
    return submission if latest == data.get("step") else None


# --- EU networks ----------------------------------------------------------------------------

@transaction.atomic
def create_eu_network(
    *, content: EUNetworkContent, actor: User, organisation: AccountOrganisation | None = None
) -> EUNetwork:
    network = EUNetwork(**{name: getattr(content, name) for name in _NETWORK_FIELDS})
    network.save()
    record_event(action=Action.NETWORK_CREATED, actor=actor, organisation=organisation,
                 object_type="directory.eu_network", object_id=network.pk, details={"name": network.name})
    return network


@transaction.atomic
def update_eu_network(
    *, network: EUNetwork, content: EUNetworkContent, actor: User, organisation: AccountOrganisation | None = None
) -> EUNetwork:
    changed = [name for name in _NETWORK_FIELDS if getattr(network, name) != getattr(content, name)]
    if not changed:
        return network
    for name in changed:
        setattr(network, name, getattr(content, name))
    network.save(update_fields=changed)
    record_event(action=Action.NETWORK_CHANGED, actor=actor, organisation=organisation,
                 object_type="directory.eu_network", object_id=network.pk, details={"fields": changed})
    return network


@transaction.atomic
def delete_eu_network(*, network: EUNetwork, actor: User, organisation: AccountOrganisation | None = None) -> None:
    record_event(action=Action.NETWORK_DELETED, actor=actor, organisation=organisation,
                 object_type="directory.eu_network", object_id=network.pk, details={"name": network.name})
    network.delete()


# --- helpers --------------------------------------------------------------------------------

def _locked(submission: Submission, *, allowed: frozenset[str]) -> Submission:
    """The submission re-read under a row lock, so that two editors cannot decide it twice."""
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.status not in allowed:
        raise ModerationError(
            gettext_lazy("This proposal is now “%(status)s”; that step is no longer possible.")
            % {"status": current.get_status_display()}
        )
    return current


def _step(submission: Submission, action: str, *, actor: User | None = None, note: str = "") -> ModerationStep:
    return ModerationStep.objects.create(submission=submission, action=action, actor=actor, note=note)


def _apply_content(submission: Submission, content: ProposalContent) -> list[str]:
    """Copy the content onto the submission (unsaved) and return the names of what changed;
    the tags are written at once since they live in their own table."""
    changed = []
    for name in _CONTENT_FIELDS:
        if getattr(submission, name) != getattr(content, name):
            setattr(submission, name, getattr(content, name))
            changed.append(name)
    new_tags = {tag.pk for tag in content.tags}
    if {tag.pk for tag in submission.target_groups.all()} != new_tags:
        submission.target_groups.set(content.tags)
        changed.append("target_groups")
    return changed


def _mail_after_commit(submission: Submission, subject: str, body: str) -> None:
    # A task: a mail server that is down neither turns a stored decision into an error page nor loses
    # the mail (it is tried again, then shown to the administrators).
    transaction.on_commit(
        partial(send_email.enqueue, subject=str(subject), body=str(body), recipients=[submission.proposer_email]),
        robust=True,
    )


def _unique_slug(model: type[Organisation] | type[Project], base: str) -> str:
    base = base or "entry"
    taken = set(model.objects.filter(slug__startswith=base[:110]).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[:110]}-{n}"
        n += 1
    return slug


def _publish_organisation(submission: Submission) -> tuple[Organisation, bool]:
    organisation = existing_organisation_for(submission)
    if organisation is not None and not organisation.is_published:
        # A hidden entry was taken down on purpose; a public proposal must not bring it back.
        raise ModerationError(_("The organisation “{name}” is hidden in the directory; a proposal cannot publish it "
                                "again. Reject the proposal, or publish the organisation yourself first.")
                              .format(name=organisation.name))
    created = organisation is None
    if organisation is None:
        slug = organisation_slug(submission.organisation_name)
        organisation = Organisation(name=submission.organisation_name, slug=_unique_slug(Organisation, slug))
    is_about_the_organisation = submission.kind == Submission.Kind.ORGANISATION
    if is_about_the_organisation or created:
        organisation.country = submission.country
        organisation.is_published = True
    if is_about_the_organisation:
        organisation.name = submission.organisation_name
        organisation.description = submission.summary
        organisation.website = submission.website or organisation.website
    organisation.save()
    if not created:
        # The organisation's name is part of its projects' search text.
        for project in organisation.projects.all():
            refresh_search_document(project)
    return organisation, created


def _publish_project(submission: Submission, organisation: Organisation) -> tuple[Project, bool]:
    project = existing_project_for(submission)
    if project is not None and not project.is_published:
        raise ModerationError(_("The project “{title}” is hidden in the directory; a proposal cannot publish it "
                                "again. Reject the proposal, or publish the project yourself first.")
                              .format(title=project.title))
    created = project is None
    if project is None:
        project = Project(slug=_unique_slug(Project, slug_for_title(submission.title)))
    project.title = submission.title
    project.summary = submission.summary
    project.organisation = organisation
    project.is_published = True
    if submission.website:
        project.website = submission.website
        project.website_original = submission.website
    if submission.prevention_level:
        project.prevention_level = submission.prevention_level
    project.save()
    project.countries.add(submission.country)
    project.tags.add(*submission.target_groups.all())
    if submission.contact.strip() and not project.contacts.filter(original_text=submission.contact).exists():
        position = project.contacts.count()
        ContactPoint.objects.create(project=project, position=position,
                                    **contact_from_text(submission.contact, submission.country.code))
    refresh_search_document(project)
    return project, created


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\(?\d[\d ()./-]{5,}\d")


def contact_from_text(text: str, country_code: str = "") -> dict[str, str]:
    """The fields of a contact point read from free contact text: the first e-mail address, the
    first telephone number (as E.164 where it parses), the first other line as a name, the next
    line without digits as a role, and lines with digits (street numbers, postcodes) as a postal
    address. The text itself is always kept, since the reading is a guess."""
    email_match = _EMAIL.search(text)
    phone_match = _PHONE.search(_EMAIL.sub(" ", text))
    phone_original = phone_match.group(0).strip() if phone_match else ""
    other_lines = [line.strip(" ,;") for line in text.splitlines()
                   if line.strip(" ,;") and not _EMAIL.search(line) and not _PHONE.search(line)]
    name = other_lines[0] if other_lines and not any(c.isdigit() for c in other_lines[0]) else ""
    rest = other_lines[1:] if name else other_lines
    roles = [line for line in rest if not any(c.isdigit() for c in line)]
    return {
        "name": name[:200],
        "role": roles[0][:200] if roles else "",
        "address": "\n".join(line for line in rest if any(c.isdigit() for c in line)),
        "email": email_match.group(0)[:254] if email_match else "",
        "phone": _e164(phone_original, country_code),
        "phone_original": phone_original[:64],
        "original_text": text,
    }


def _e164(number: str, country_code: str) -> str:
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, country_code.upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- retention (the kind "directory_submission" of privacy.retention) ------------------------

_PROPOSER_FIELDS = ("proposer_name", "proposer_email", "contact", "client_address_hash")


def _not_erased(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.exclude(**{name: "" for name in _PROPOSER_FIELDS})


def expired_submissions(*, cutoff: datetime) -> QuerySet[Submission]:
    """Proposals last handled (accepted, refused or sent back for changes) before the cutoff whose
    proposer's details are still there. One waiting for an editor is kept: the queue shows it."""
    return _not_erased(Submission.objects.exclude(status=S.PENDING).filter(updated_at__lt=cutoff))


def oldest_submission_clock(submissions: QuerySet[Submission]) -> date | None:
    handled = submissions.aggregate(first=Min("updated_at"))["first"]
    return timezone.localdate(handled) if handled else None


def erase_submissions(ids: list[int]) -> int:
    """The proposer's name, e-mail address, contact details and hashed address, and the editors'
    notes (which may quote them); what the proposal said of the project stays, and what was
    published is the directory's own. Saving through update() leaves the clock as it was."""
    ModerationStep.objects.filter(submission_id__in=ids).exclude(note="").update(note="")
    return _not_erased(Submission.objects.filter(pk__in=ids)).update(**{name: "" for name in _PROPOSER_FIELDS})
