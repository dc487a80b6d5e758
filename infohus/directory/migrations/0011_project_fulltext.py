from django.db import migrations


def create_index(apps, schema_editor):
    from infohus.directory import fulltext

    fulltext.install(schema_editor, apps.get_model("directory", "Project"))


def drop_index(apps, schema_editor):
    from infohus.directory import fulltext

    fulltext.uninstall(schema_editor, apps.get_model("directory", "Project"))


class Migration(migrations.Migration):
    """The full-text index of projects: a GIN index on PostgreSQL, an FTS5 table on SQLite."""

    dependencies = [("directory", "0010_eu_networks")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
