"""The full-text index of projects, in each database's own engine.

PostgreSQL: a stored generated tsvector column, directory_project.search_vector (title
weighted A, the whole search document weighted B, 'simple' configuration), with a GIN index.
The column lives outside the model (the model must work on SQLite too) and is read through
SearchVectorColumn. A GIN index on the expression alone was measured first: ranking then
parses every matching document again, which took seconds for a common word at 100,000
projects (see bench/README.md). The directory is written in
many languages, so no language's stemmer is right for all of it; instead each query word
matches as a prefix ("mentor" finds "mentors" and "mentoring").

SQLite: an external-content FTS5 table over directory_project (title and search_document),
kept in step by triggers, ranked by bm25 with the title weighted above the rest. Query words
match as prefixes here too, so both databases find the same projects.

The migration and the selectors both take their SQL and expressions from here.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Expression
from django.db.models.expressions import BaseExpression

CONFIG = "simple"
PG_INDEX_NAME = "directory_project_fulltext"
PG_COLUMN = "search_vector"
FTS_TABLE = "directory_project_fts"
# bm25 weights for the FTS5 columns (title, search_document).
FTS_WEIGHTS = (10.0, 1.0)

_WORD = re.compile(r"[^\W_]+")
# Enough for any sensible query; a longer one is cut rather than sent whole to the engine.
MAX_TERMS = 12


def query_terms(text: str) -> list[str]:
    """The words of a query, lower-cased, without duplicates, in their order.

    Only letters and digits survive, so nothing the visitor types can become query syntax in
    either engine (tsquery operators, FTS5 keywords such as NEAR, quotes, parentheses).
    """
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


class SearchVectorColumn(Expression):
    """directory_project.search_vector on PostgreSQL, under whatever alias the query gives the
    project table (subqueries rename it), so that Django's search lookups and SearchRank
    work on it."""

    output_field = SearchVectorField()

    def __init__(self, alias: str | None = None) -> None:
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> "SearchVectorColumn":
        resolved = self.copy()
        resolved.alias = query.get_initial_alias() if query is not None else self.alias
        return resolved

    def relabeled_clone(self, change_map: Mapping[str, str]) -> "SearchVectorColumn":
        clone = self.copy()
        clone.alias = change_map.get(self.alias or "", self.alias)
        return clone

    def get_group_by_cols(self) -> list[BaseExpression]:
        return [self]

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[str | int, ...]]:
        return f"{compiler.quote_name(self.alias)}.{connection.ops.quote_name(PG_COLUMN)}", ()


def postgres_query(terms: list[str]) -> SearchQuery:
    # The terms hold letters and digits only (query_terms), so the raw form is safe.
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=CONFIG)


def fts5_query(terms: list[str]) -> str:
    # Quoted, so that a word such as "and" or "near" is a word and not an operator.
    return " AND ".join(f'"{term}"*' for term in terms)


POSTGRES_CREATE = [
    """ALTER TABLE directory_project ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(search_document, '')), 'B')
    ) STORED""",
    "CREATE INDEX directory_project_fulltext ON directory_project USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS directory_project_fulltext",
    "ALTER TABLE directory_project DROP COLUMN IF EXISTS search_vector",
]

# The FTS5 table's name is written out in the SQL below (no string building near SQL).
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS directory_project_fts USING fts5(
        title, search_document,
        content='directory_project', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER IF NOT EXISTS directory_project_fts_ai AFTER INSERT ON directory_project BEGIN
        INSERT INTO directory_project_fts(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_project_fts_ad AFTER DELETE ON directory_project BEGIN
        INSERT INTO directory_project_fts(directory_project_fts, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_project_fts_au
    AFTER UPDATE OF title, search_document ON directory_project BEGIN
        INSERT INTO directory_project_fts(directory_project_fts, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
        INSERT INTO directory_project_fts(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
    "INSERT INTO directory_project_fts(directory_project_fts) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directory_project_fts_ai",
    "DROP TRIGGER IF EXISTS directory_project_fts_ad",
    "DROP TRIGGER IF EXISTS directory_project_fts_au",
    "DROP TABLE IF EXISTS directory_project_fts",
]


def install(schema_editor: BaseDatabaseSchemaEditor, project_model: type) -> None:
    """Create the index for the database at hand (idempotent on SQLite).

    The weights and configuration on PostgreSQL must stay those of CONFIG and the A/B split
    described above; the FTS5 weights are FTS_WEIGHTS.

    A later migration that makes SQLite rebuild directory_project (Django does that for most
    column changes) drops the triggers with the old table: such a migration must call this
    again.
    """
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def uninstall(schema_editor: BaseDatabaseSchemaEditor, project_model: type) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def is_supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor in {"postgresql", "sqlite"}
