"""The practice desk's URLs for concerns, triage and cases, in parts owned by their modules."""

from infohus.cases.urls_cases import urlpatterns as case_urls
from infohus.cases.urls_concerns import urlpatterns as concern_urls
from infohus.cases.urls_triage import urlpatterns as triage_urls

app_name = "cases"

urlpatterns = [*concern_urls, *triage_urls, *case_urls]
