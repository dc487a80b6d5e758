from django.db import migrations


def add_tags(apps, schema_editor):
    from infohus.directory.tags import TAGS

    Tag = apps.get_model("directory", "Tag")
    for facet, slug, name_en, name_da in TAGS:
        Tag.objects.update_or_create(facet=facet, slug=slug, defaults={"name_en": name_en, "name_da": name_da})


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_european_countries")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
