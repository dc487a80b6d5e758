"""The training part of the desk's JSON API (mounted by infohus.api.desk): the catalogue
(api_courses.py), runs with enrolment, attendance, completion and evaluation (api_runs.py), and
requirements, compliance, one's own training and the cost report (api_compliance.py)."""

from ninja import Router

from infohus.training import api_compliance, api_courses, api_runs

router = Router(tags=["training"])
router.add_router("", api_courses.router)
router.add_router("", api_runs.router)
router.add_router("", api_compliance.router)
