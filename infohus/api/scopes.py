"""What a token may be used for. A scope only narrows: a call also needs the capability of the
token's role and passes the same need-to-know selectors as the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CONCERNS_READ = "concerns:read", _("Read concerns")
    CONCERNS_WRITE = "concerns:write", _("Report and assess concerns")
    TRIAGE_READ = "triage:read", _("Read the triage queue and decisions")
    TRIAGE_WRITE = "triage:write", _("Record triage decisions")
    CASES_READ = "cases:read", _("Read cases, teams and notes")
    CASES_WRITE = "cases:write", _("Work on cases, teams and notes")
    ASSESSMENTS_READ = "assessments:read", _("Read assessments")
    ASSESSMENTS_WRITE = "assessments:write", _("Record assessments")
    INTERVENTIONS_READ = "interventions:read", _("Read interventions and sessions")
    INTERVENTIONS_WRITE = "interventions:write", _("Record interventions and sessions")
    LENDING_READ = "lending:read", _("Read lending requests")
    LENDING_WRITE = "lending:write", _("Make and answer lending requests")
    TRAINING_READ = "training:read", _("Read courses, runs and compliance")
    TRAINING_WRITE = "training:write", _("Manage courses, runs and attendance")
    COMMUNITY_READ = "community:read", _("Read community work")
    COMMUNITY_WRITE = "community:write", _("Record community work")
    STATISTICS_READ = "statistics:read", _("Read suppressed statistics")
