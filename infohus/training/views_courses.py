"""The course catalogue: the courses of the trainer's organisations, a new course (starting from
the defaults of its kind), one course with its runs, and its edit (optimistic: a stale save
answers 409 and shows what is saved now).

Who: trainers (TRAIN), for the courses of the organisations they train for; every course is
fetched through selectors/access.py course_access (404 otherwise). A catalogue entry holds no
personal data, so its reads are not audited; its writes are, by the service.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from infohus.accounts.models import Organisation, User
from infohus.accounts.permissions import capability_required
from infohus.accounts.roles import Capability
from infohus.core.concurrency import StaleEdit
from infohus.core.form_pages import put_back
from infohus.training import forms_courses as f
from infohus.training.models import Course
from infohus.training.selectors import runs as reads
from infohus.training.selectors.access import course_access, courses_for, training_organisations
from infohus.training.services import courses as services

train_required = capability_required(Capability.TRAIN)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_page(request: HttpRequest, form: f.CourseForm, *, title: str, submit: str, course: Course | None = None,
               status: int = 200, **extra: object) -> HttpResponse:
    return render(request, "training/courses/form.html", {
        "form": form, "title": title, "submit": submit, "course": course, **extra}, status=status)


@train_required
def course_list(request: HttpRequest) -> HttpResponse:
    return render(request, "training/courses/list.html", {
        "courses": reads.courses_page(courses_for(request.user)),
        "start_form": f.StartFromKindForm(auto_id="start_%s"),
    })


@train_required
def course_new(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    organisations = Organisation.objects.filter(pk__in=training_organisations(request.user)).order_by("name")
    form = f.CourseForm(request.POST if posting else None, organisations=organisations,
                        kind=request.GET.get("kind", ""))
    if posting and form.is_valid():
        try:
            course = services.create_course(actor=_user(request), organisation=form.cleaned_data["organisation"],
                                            data=form.data_for_service())
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The course “%(title)s” is in the catalogue.") % {"title": course.title})
            return redirect("training:course_detail", pk=course.pk)
    return _form_page(request, form, title=_("Add a course to the catalogue"), submit=_("Add the course"),
                      status=400 if posting else 200)


@train_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_access(request.user, pk)
    return render(request, "training/courses/detail.html", {"course": course, "runs": reads.course_runs(course)})


def _stale_message() -> str:
    return _("Someone else saved this after you opened it. Nothing was overwritten. The values saved now are "
             "shown above your input; check them and save again.")


@train_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_access(request.user, pk)
    posting = request.method == "POST"
    form = f.CourseForm(request.POST if posting else None, course=course)
    title = _("Change the course “%(title)s”") % {"title": course.title}
    if posting and form.is_valid():
        try:
            services.update_course(actor=_user(request), course=course,
                                   expected_version=form.cleaned_data["version"], data=form.data_for_service())
        except StaleEdit as stale:
            current = cast(Course, stale.current)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = f.CourseForm(data, course=current)
            form.is_valid()
            return _form_page(request, form, title=title, submit=_("Save"), course=current, status=409,
                              stale=_stale_message(), current=current)
        except ValidationError as error:
            put_back(form, error)
        else:
            messages.success(request, _("The course was saved."))
            return redirect("training:course_detail", pk=course.pk)
    return _form_page(request, form, title=title, submit=_("Save"), course=course, status=400 if posting else 200)
