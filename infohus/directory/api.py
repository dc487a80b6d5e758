"""The read-only JSON API of the public directory (filled in by the directory's public part)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Infohus practice network", version="1", urls_namespace="directory_api")
