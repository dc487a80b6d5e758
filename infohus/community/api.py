"""The community part of the desk's JSON API (mounted by infohus.api.desk): partners and their
contacts (api_partners.py), dialogue meetings, follow-ups and outreach events (api_dialogue.py),
youth cohorts and their young participants (api_cohorts.py), and the ambassador programme with
its reports (api_ambassadors.py)."""

from ninja import Router

from infohus.community import api_ambassadors, api_cohorts, api_dialogue, api_partners

router = Router(tags=["community"])
router.add_router("", api_partners.router)
router.add_router("", api_dialogue.router)
router.add_router("", api_cohorts.router)
router.add_router("", api_ambassadors.router)
