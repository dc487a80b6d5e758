"""The assessments part of the desk's JSON API (mounted by infohus.api.desk): the instruments
(api_instruments.py), and the assessments of cases and concerns (api_recording.py)."""

from ninja import Router

from infohus.assessments.api_instruments import router as instruments
from infohus.assessments.api_recording import router as recording

router = Router()
router.add_router("", instruments)
router.add_router("", recording)
