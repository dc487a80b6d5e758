"""The training app's pages, under /desk/training/."""

from django.urls import path

from infohus.training import views_compliance as compliance
from infohus.training import views_courses as courses
from infohus.training import views_evaluation as evaluation
from infohus.training import views_runs as runs

app_name = "training"

urlpatterns = [
    # The catalogue (views_courses.py)
    path("", courses.course_list, name="course_list"),
    path("courses/new/", courses.course_new, name="course_new"),
    path("courses/<int:pk>/", courses.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", courses.course_edit, name="course_edit"),
    # Runs, enrolment, attendance, certificates (views_runs.py)
    path("runs/", runs.run_list, name="run_list"),
    path("courses/<int:pk>/runs/new/", runs.run_new, name="run_new"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/edit/", runs.run_edit, name="run_edit"),
    path("runs/<int:pk>/enrol/", runs.enrol, name="enrol"),
    path("runs/<int:pk>/enrolments/<int:enrolment_pk>/withdraw/", runs.withdraw, name="withdraw"),
    path("runs/<int:pk>/attendance/", runs.attendance, name="attendance"),
    path("runs/<int:pk>/complete/", runs.complete, name="complete"),
    path("runs/<int:pk>/enrolments/<int:enrolment_pk>/certificate.pdf", runs.certificate, name="certificate"),
    # Questionnaires before and after, their effect, and costs (views_evaluation.py)
    path("runs/<int:pk>/questionnaire/", evaluation.questionnaire_choose, name="questionnaire_choose"),
    path("runs/<int:pk>/enrolments/<int:enrolment_pk>/answers/<str:phase>/", evaluation.answers_record,
         name="answers_record"),
    path("runs/<int:pk>/evaluation/", evaluation.run_evaluation, name="run_evaluation"),
    path("reports/costs/", evaluation.cost_report, name="cost_report"),
    # Requirements, compliance, and one's own training (views_compliance.py)
    path("requirements/", compliance.requirement_list, name="requirement_list"),
    path("requirements/new/", compliance.requirement_new, name="requirement_new"),
    path("requirements/<int:pk>/", compliance.compliance, name="compliance"),
    path("requirements/<int:pk>/edit/", compliance.requirement_edit, name="requirement_edit"),
    path("mine/", compliance.my_training, name="my_training"),
]
