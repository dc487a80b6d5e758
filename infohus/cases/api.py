"""The cases part of the desk's JSON API (mounted by infohus.api.desk): concerns, Info-house
triage and cases, each in its own module, combined into one router."""

from ninja import Router

from infohus.cases.api_cases import router as case_router
from infohus.cases.api_concerns import router as concern_router
from infohus.cases.api_triage import router as triage_router

router = Router()
router.add_router("", concern_router)
router.add_router("", triage_router)
router.add_router("", case_router)
