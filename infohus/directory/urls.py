"""The directory's URLs, in three parts owned by their own modules."""

from infohus.directory.urls_import import urlpatterns as import_urls
from infohus.directory.urls_moderation import urlpatterns as moderation_urls
from infohus.directory.urls_public import urlpatterns as public_urls

app_name = "directory"

urlpatterns = [*public_urls, *moderation_urls, *import_urls]
