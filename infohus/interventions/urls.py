"""The interventions app's pages, under /desk/: interventions, the mentor corps, lending."""

from django.urls import path

from infohus.interventions import views_corps as corps
from infohus.interventions import views_interventions as interventions
from infohus.interventions import views_lending as lending

app_name = "interventions"

urlpatterns = [
    # Interventions on a case, and anonymous advice consultations (views_interventions.py)
    path("interventions/", interventions.my_interventions, name="my_interventions"),
    path("cases/<int:case_pk>/interventions/new/", interventions.case_start, name="case_start"),
    path("interventions/advice/new/", interventions.advice_new, name="advice_new"),
    path("interventions/<int:pk>/", interventions.intervention_detail, name="intervention_detail"),
    path("interventions/<int:pk>/goals/new/", interventions.goal_add, name="goal_add"),
    path("interventions/<int:pk>/goals/<int:goal_pk>/", interventions.goal_edit, name="goal_edit"),
    path("interventions/<int:pk>/sessions/new/", interventions.session_add, name="session_add"),
    path("interventions/<int:pk>/end/", interventions.intervention_end, name="intervention_end"),
    # The mentor corps (views_corps.py)
    path("corps/", corps.corps_list, name="corps_list"),
    path("corps/new/", corps.corps_new, name="corps_new"),
    path("corps/<int:pk>/", corps.corps_profile, name="corps_profile"),
    path("corps/<int:pk>/edit/", corps.corps_edit, name="corps_edit"),
    path("corps/<int:pk>/supervision/new/", corps.supervision_add, name="supervision_add"),
    path("corps/<int:pk>/pairings/new/", corps.pairing_add, name="pairing_add"),
    # Lending between municipalities (views_lending.py)
    path("lending/", lending.lending_list, name="lending_list"),
    path("lending/hours/", lending.hours_report, name="hours_report"),
    path("cases/<int:case_pk>/lending/new/", lending.lending_new, name="lending_new"),
    path("lending/<int:pk>/", lending.lending_detail, name="lending_detail"),
    path("lending/<int:pk>/offer/", lending.lending_offer, name="lending_offer"),
    path("lending/<int:pk>/decline/", lending.lending_decline, name="lending_decline"),
    path("lending/<int:pk>/withdraw/", lending.lending_withdraw, name="lending_withdraw"),
    path("lending/<int:pk>/accept/", lending.lending_accept, name="lending_accept"),
    path("lending/<int:pk>/end/", lending.lending_end, name="lending_end"),
]
