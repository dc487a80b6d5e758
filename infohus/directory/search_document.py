"""The text that full-text search indexes for a project. Every service that changes a project,
its organisation, countries, tags or contacts calls refresh_search_document afterwards."""

from infohus.directory.models import Project


def search_document_for(project: Project) -> str:
    parts = [project.title, project.summary, project.description]
    # A hidden organisation's name must not make its projects findable.
    if project.organisation is not None and project.organisation.is_published:
        parts.append(project.organisation.name)
    parts += [country.name for country in project.countries.all()]
    parts += [f"{tag.name_en} {tag.name_da}" for tag in project.tags.all()]
    parts += [contact.name for contact in project.contacts.all() if contact.name]
    parts += [contact.address for contact in project.contacts.all() if contact.address]
    return "\n".join(part for part in parts if part)


def refresh_search_document(project: Project) -> None:
    document = search_document_for(project)
    if document != project.search_document:
        project.search_document = document
        Project.objects.filter(pk=project.pk).update(search_document=document)
