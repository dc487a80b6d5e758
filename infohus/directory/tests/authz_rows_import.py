"""Authorisation rows for the importer's pages: directory editors (dorte) only."""

from typing import Any

from tests.authz import Row, allowed


def _batch_pk(world: dict[str, Any]) -> dict[str, Any]:
    from infohus.directory.models import Country, ImportBatch

    batch, _created = ImportBatch.objects.get_or_create(
        source_name="authz.txt", defaults={"source_sha256": "0" * 64, "country": Country.objects.get(code="DK")})
    return {"pk": batch.pk}


ROWS = [
    Row("directory:import_upload", allowed("dorte")),
    Row("directory:import_upload", allowed("dorte"), method="POST", data={"dry_run": "on"},
        note="no file: the form answers with its error, nothing is imported"),
    Row("directory:import_batch", allowed("dorte"), kwargs=_batch_pk),
]
