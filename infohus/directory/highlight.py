"""Marking the words of a search in a text, safely.

Every piece of the text is escaped before it is joined with <mark> tags, so a title or a
description holding markup comes out as text, whatever the visitor searched for.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"([^\W_]+)")


def _matches(word: str, terms: list[str]) -> bool:
    lowered = word.lower()
    return any(lowered.startswith(term) for term in terms)


def has_match(text: str, terms: list[str]) -> bool:
    return any(_matches(word, terms) for word in _TOKENS.findall(text))


def highlight(text: str, terms: list[str]) -> SafeString:
    """The text, escaped, with each word that begins with a search term in <mark>."""
    if not terms:
        return escape(text)
    pieces = []
    for index, piece in enumerate(_TOKENS.split(text)):
        # split() with a group gives separators at even and words at odd positions.
        if index % 2 and _matches(piece, terms):
            pieces.append(f"<mark>{escape(piece)}</mark>")
        else:
            pieces.append(escape(piece))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece was escaped above


def snippet(text: str, terms: list[str], *, words: int = 30) -> SafeString:
    """About `words` words of the text around the first match (or from its start), escaped
    and highlighted, with an ellipsis where text was left out."""
    tokens = text.split()
    if not tokens:
        return mark_safe("")
    first = next((i for i, token in enumerate(tokens) if any(_matches(w, terms) for w in _TOKENS.findall(token))), 0)
    start = max(0, min(first - words // 3, len(tokens) - words))
    end = min(len(tokens), start + words)
    shown = highlight(" ".join(tokens[start:end]), terms)
    before = "… " if start > 0 else ""
    after = " …" if end < len(tokens) else ""
    return mark_safe(f"{before}{shown}{after}")  # noqa: S308 - shown is escaped, the rest is constant
