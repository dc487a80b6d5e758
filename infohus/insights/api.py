"""The insights part of the desk's JSON API (mounted by infohus.api.desk)."""

from ninja import Router

router = Router()
