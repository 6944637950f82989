"""Private file storage: files under MEDIA_ROOT/private, never served by URL, only through a view
that checks permissions first."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT/private[/subfolder]. Read per call, so a test's MEDIA_ROOT applies."""

    def __init__(self, subfolder: str = "") -> None:
        self.subfolder = subfolder
        super().__init__()

    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private", self.subfolder)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None
