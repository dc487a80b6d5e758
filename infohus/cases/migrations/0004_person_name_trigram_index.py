"""On PostgreSQL, a trigram index on the folded name, so that person search (a word anywhere in
the name) does not read every person record. pg_trgm is a trusted extension: the database owner
may create it. SQLite searches its smaller volumes without one."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS cases_person_search_name_trgm ON cases_person USING gin (search_name gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS cases_person_search_name_trgm;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_concern_person_index")]
    operations = [migrations.RunPython(create, drop)]
