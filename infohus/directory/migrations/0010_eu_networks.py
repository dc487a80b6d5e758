"""Seeds the EU networks page with a few real networks: names and websites only as facts, each
summary written for Infohus. Directory editors keep the list up to date from the site."""

from django.db import migrations

NETWORKS = (
    (
        "EU Knowledge Hub on Prevention of Radicalisation", "",
        "https://home-affairs.ec.europa.eu/networks/eu-knowledge-hub-prevention-radicalisation_en",
        "The European Commission's meeting place for practitioners, researchers and policy makers working on "
        "prevention; since 2024 it carries on the work of the Radicalisation Awareness Network.",
    ),
    (
        "Radicalisation Awareness Network", "RAN",
        "https://home-affairs.ec.europa.eu/networks/radicalisation-awareness-network-ran_en",
        "The Commission's network of frontline practitioners from 2011 to 2024, whose working groups and "
        "collection of practices remain a reference for prevention work across Europe.",
    ),
    (
        "European Forum for Urban Security", "Efus",
        "https://efus.eu",
        "A network of European local and regional authorities that exchange experience on urban safety, "
        "including the prevention of polarisation and violent extremism.",
    ),
    (
        "Nordic Safe Cities", "",
        "https://nordicsafecities.org",
        "An alliance of cities in the Nordic countries that work together against polarisation, hate and "
        "violent extremism at the local level.",
    ),
    (
        "Strong Cities Network", "",
        "https://strongcitiesnetwork.org",
        "A worldwide network of mayors and local governments that builds cities' ability to prevent hate, "
        "extremism and polarisation.",
    ),
    (
        "European Crime Prevention Network", "EUCPN",
        "https://eucpn.org",
        "The EU member states' network for crime prevention, which gathers evidence and good practice and "
        "supports prevention policy at local, national and European level.",
    ),
    (
        "IMPACT Europe", "",
        "",
        "An EU-funded research project that built tools and a knowledge base for evaluating programmes "
        "against violent radicalisation.",
    ),
)


def add_networks(apps, schema_editor):
    EUNetwork = apps.get_model("directory", "EUNetwork")
    for position, (name, acronym, website, summary) in enumerate(NETWORKS, start=1):
        EUNetwork.objects.update_or_create(
            name=name, defaults={"acronym": acronym, "website": website, "summary": summary, "position": position * 10}
        )


def remove_networks(apps, schema_editor):
    EUNetwork = apps.get_model("directory", "EUNetwork")
    EUNetwork.objects.filter(name__in=[name for name, *_ in NETWORKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_tags")]
    operations = [migrations.RunPython(add_networks, remove_networks)]
