"""The interventions part of the desk's JSON API (mounted by infohus.api.desk): interventions,
their goals and sessions (api_interventions.py), and lending mentors between municipalities
(api_lending.py)."""

from ninja import Router

from infohus.interventions.api_interventions import router as interventions
from infohus.interventions.api_lending import router as lending

router = Router()
router.add_router("", interventions)
router.add_router("", lending)
