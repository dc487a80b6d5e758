"""Small helpers for the public directory's templates."""

from urllib.parse import urlsplit

from django import template

from infohus.directory.models import Tag
from infohus.directory.selectors import tag_label

register = template.Library()


@register.filter
def web_link(url: str) -> str:
    """The address if it is a web address (http or https), else "" so that the template shows
    no link: the directory holds imported text, and a javascript: address must never be a link."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


@register.filter
def tag_labels(tags: list[Tag]) -> str:
    """The tags' names in the language of the page, joined with commas."""
    return ", ".join(tag_label(tag) for tag in tags)
