"""The community app's pages, under /desk/community/."""

from django.urls import path

from infohus.community import views_ambassadors as ambassadors
from infohus.community import views_cohorts as cohorts
from infohus.community import views_dialogue as dialogue
from infohus.community import views_partners as partners

app_name = "community"

urlpatterns = [
    # Partners and their contact people (views_partners.py)
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/new/", partners.partner_new, name="partner_new"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/contacts/new/", partners.contact_new, name="contact_new"),
    path("contacts/<int:pk>/edit/", partners.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/withdraw/", partners.contact_withdraw, name="contact_withdraw"),
    # Dialogue meetings, topics, follow-ups; outreach events (views_dialogue.py)
    path("meetings/", dialogue.meeting_list, name="meeting_list"),
    path("meetings/new/", dialogue.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", dialogue.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", dialogue.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/topics/new/", dialogue.topic_new, name="topic_new"),
    path("meetings/<int:pk>/follow-ups/new/", dialogue.follow_up_new, name="follow_up_new"),
    path("follow-ups/", dialogue.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/done/", dialogue.follow_up_done, name="follow_up_done"),
    path("outreach/", dialogue.outreach_list, name="outreach_list"),
    path("outreach/new/", dialogue.outreach_new, name="outreach_new"),
    path("outreach/<int:pk>/", dialogue.outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/edit/", dialogue.outreach_edit, name="outreach_edit"),
    # Youth cohorts (views_cohorts.py)
    path("cohorts/", cohorts.cohort_list, name="cohort_list"),
    path("cohorts/new/", cohorts.cohort_new, name="cohort_new"),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/modules/new/", cohorts.module_new, name="module_new"),
    path("cohorts/<int:pk>/attendance/", cohorts.attendance, name="cohort_attendance"),
    path("cohorts/<int:pk>/participants/new/", cohorts.participant_new, name="participant_new"),
    path("participants/<int:pk>/", cohorts.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", cohorts.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/goals/new/", cohorts.goal_new, name="goal_new"),
    path("goals/<int:pk>/progress/new/", cohorts.progress_new, name="progress_new"),
    # Ambassadors, their reports and the coordinators' inbox (views_ambassadors.py)
    path("participants/<int:pk>/ambassador/", ambassadors.ambassador_start, name="ambassador_start"),
    path("ambassadors/", ambassadors.ambassador_list, name="ambassador_list"),
    path("ambassadors/<int:pk>/", ambassadors.ambassador_detail, name="ambassador_detail"),
    path("ambassadors/<int:pk>/modules/", ambassadors.module_done, name="ambassador_module_done"),
    path("ambassadors/<int:pk>/ready/", ambassadors.mark_ready, name="ambassador_ready"),
    path("ambassadors/<int:pk>/activities/new/", ambassadors.activity_new, name="activity_new"),
    path("ambassador/", ambassadors.my_ambassador, name="my_ambassador"),
    path("ambassador/activities/new/", ambassadors.my_activity_new, name="my_activity_new"),
    path("ambassador/reports/new/", ambassadors.report_new, name="report_new"),
    path("inbox/", ambassadors.inbox, name="inbox"),
    path("reports/<int:pk>/", ambassadors.report_detail, name="report_detail"),
    path("reports/<int:pk>/dialogue/", ambassadors.report_to_dialogue, name="report_to_dialogue"),
    path("reports/<int:pk>/concern/", ambassadors.report_to_concern, name="report_to_concern"),
    path("reports/<int:pk>/close/", ambassadors.report_close, name="report_close"),
]
