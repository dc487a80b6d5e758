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
from django.core import checks
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Expression
from django.db.models.expressions import BaseExpression

CONFIG = "simple"
PG_INDEX_NAME = "directory_project_fulltext"
PG_COLUMN = "search_vector"
FTS_TABLE = "directory_project_fts"
# The triggers that keep FTS_TABLE in step with directory_project (created in SQLITE_CREATE).
FTS_TRIGGERS = ("directory_project_fts_ai", "directory_project_fts_ad", "directory_project_fts_au")
# The migration that first installs the index; before it has run there is nothing to check.
INSTALLING_MIGRATION = ("directory", "0011_project_fulltext")
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
    again. The system check check_index() below reports a database where that was forgotten.
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


# --- system check ------------------------------------------------------------------------


def missing_parts(connection: BaseDatabaseWrapper) -> list[str]:
    """The parts of the full-text index that the database lacks: on SQLite the FTS5 table and
    its three triggers on directory_project, on PostgreSQL the generated column and its GIN
    index. Empty when all is there (or for any other database)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE (type = 'table' AND name = %s)"
                " OR (type = 'trigger' AND tbl_name = 'directory_project')",
                [FTS_TABLE],
            )
            found = {row[0] for row in cursor.fetchall()}
            return [name for name in (FTS_TABLE, *FTS_TRIGGERS) if name not in found]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = 'directory_project' AND column_name = %s AND is_generated = 'ALWAYS'",
                [PG_COLUMN],
            )
            missing = [] if cursor.fetchone() else [f"directory_project.{PG_COLUMN}"]
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = 'directory_project' AND indexname = %s",
                [PG_INDEX_NAME],
            )
            return missing if cursor.fetchone() else [*missing, PG_INDEX_NAME]
    return []


def check_index(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check (database tag: `manage.py check --database default`, and before `migrate`).

    SQLite drops a table's triggers when it rebuilds the table, which Django's schema editor
    does for most column changes: a later migration on directory_project that forgets to call
    install() again leaves search silently stale. This reports that as an error once the
    directory's migrations have all run (as a warning while some are still to run, so that
    `migrate` itself is never blocked from applying the migration that repairs it).
    """
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if not is_supported(connection):
            continue
        executor = MigrationExecutor(connection)
        if INSTALLING_MIGRATION not in executor.loader.applied_migrations:
            continue  # a new database: the migration will create the index
        missing = missing_parts(connection)
        if not missing:
            continue
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        pending = any(migration.app_label == "directory" for migration, _backwards in plan)
        message = (checks.Warning if pending else checks.Error)(
            f"The directory's full-text index is incomplete on database '{alias}' "
            f"({connection.vendor}): missing {', '.join(missing)}. Search results no longer follow "
            "changes to projects.",
            hint="Run fulltext.install in a migration (RunPython, after the migration that rebuilt "
                 "directory_project), as 0011_project_fulltext does.",
            id="directory.W001" if pending else "directory.E001",
        )
        messages.append(message)
    return messages
