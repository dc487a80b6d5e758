from django.db import migrations


def add_countries(apps, schema_editor):
    from infohus.directory.countries import EUROPE

    Country = apps.get_model("directory", "Country")
    for code, numeric, name in EUROPE:
        Country.objects.update_or_create(code=code, defaults={"numeric_code": numeric, "name": name})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
