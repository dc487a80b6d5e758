"""How a person's name is kept for search: lower-cased, accent-folded, single spaces."""

import unicodedata

# Danish letters that do not decompose into a base letter and an accent.
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})


def fold(text: str) -> str:
    """Lower-cased, accent-folded text with single spaces: the form of Person.search_name."""
    lowered = text.lower().translate(_FOLD)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return " ".join(stripped.split())


def search_name_for(first_name: str, last_name: str) -> str:
    return fold(f"{first_name} {last_name}")[:210]
