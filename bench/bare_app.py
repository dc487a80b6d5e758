"""A bare Django project in one module: one view that answers "ok", no apps, no middleware,
no database. The benchmark serves it with the same gunicorn settings as Infohus, so that the
difference between the two is what Infohus itself costs.

    gunicorn bench.bare_app:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-app-key",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
    USE_I18N=False,
)


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok), path("healthz", ok)]

application = get_wsgi_application()
