"""Reads for moderation and the EU networks: the queue, one submission with its history, and
what approving it would publish."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from infohus.directory.importer import SLUG_LENGTH, slug_for_title
from infohus.directory.models import EUNetwork, ImportBatch, Organisation, Project, Submission

S = Submission.Status

# Pending first, then those waiting for their proposer, then the decided ones.
_QUEUE_ORDER = Case(
    When(status=S.PENDING, then=Value(0)),
    When(status=S.CHANGES_REQUESTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def moderation_queue(*, status: str = "") -> QuerySet[Submission]:
    """Submissions for the queue page, pending first and oldest first within each status."""
    submissions = Submission.objects.select_related("country")
    if status:
        submissions = submissions.filter(status=status)
    return submissions.annotate(queue_order=_QUEUE_ORDER).order_by("queue_order", "created_at", "pk")


def counts_per_status() -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included, in one query."""
    counted = dict(Submission.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, str(label), counted.get(value, 0)) for value, label in S.choices]


def submission_for_moderation(pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("country", "published_project", "published_organisation")
        .prefetch_related("target_groups", "steps__actor"),
        pk=pk,
    )


@dataclass(frozen=True)
class PublicationPreview:
    """What approving a submission would do, so that the editor sees it before deciding."""

    organisation: Organisation | None
    project: Project | None


def publication_preview(submission: Submission) -> PublicationPreview:
    return PublicationPreview(organisation=existing_organisation_for(submission),
                              project=existing_project_for(submission))


def organisation_slug(name: str) -> str:
    """The same key the importer gives an organisation, so that both find the same one."""
    return slugify(name)[:SLUG_LENGTH].strip("-")


def existing_organisation_for(submission: Submission) -> Organisation | None:
    """The published organisation a submission is about: the one it published before, or one
    with the same slug or the same name."""
    if submission.published_organisation_id is not None:
        return submission.published_organisation
    slug = organisation_slug(submission.organisation_name)
    by_name = Q(name__iexact=submission.organisation_name)
    candidates = list(Organisation.objects.filter(Q(slug=slug) | by_name if slug else by_name).order_by("pk")[:10])
    return next((o for o in candidates if o.slug == slug), None) or next(iter(candidates), None)


def existing_project_for(submission: Submission) -> Project | None:
    """For a project: the one it published before, or one with the importer's key for its title
    (the same title is the same project)."""
    if submission.kind != Submission.Kind.PROJECT:
        return None
    if submission.published_project_id is not None:
        return submission.published_project
    slug = slug_for_title(submission.title)
    return Project.objects.filter(slug=slug).first() if slug else None


def eu_networks() -> QuerySet[EUNetwork]:
    return EUNetwork.objects.order_by("position", "name")


def eu_network(pk: int) -> EUNetwork:
    return get_object_or_404(EUNetwork, pk=pk)


# --- import batches --------------------------------------------------------------------------

def recent_import_batches(limit: int) -> list[ImportBatch]:
    """The latest imports, newest first; one query (country and importer come with each)."""
    return list(ImportBatch.objects.select_related("country", "imported_by").order_by("-started_at", "-pk")[:limit])


def import_batch(pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("country", "imported_by"), pk=pk)
