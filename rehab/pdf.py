"""The one door to WeasyPrint: HTML in, tagged PDF (PDF/UA) out.

The renderer may load only the app's own static files. User text is escaped by the
templates, and even a URL that slipped through could not make it read a local file or
an internal address: every other URL is refused by ``StaticFilesOnly``.
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' base URL: a host that cannot resolve, so nothing leaves the process.
BASE_URL = "https://samrehab.invalid/"


class RefusedURL(ValueError):
    pass


class StaticFilesOnly(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=["https"], allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if (
            parts.scheme == "https"
            and parts.netloc == urlsplit(BASE_URL).netloc
            and parts.path.startswith(static_prefix)
            and ".." not in parts.path
        ):
            body = _static_file(parts.path[len(static_prefix) :])
            if body is not None:
                mime = mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        self.refused.append(url)
        raise RefusedURL(f"not a static file of this app: {url[:100]}")


def _static_file(name: str) -> bytes | None:
    """The bytes of a static file by the name ``{% static %}`` gave it: under the production
    storage a hashed name collected into STATIC_ROOT (``pdf/document.3f2a….css``), in
    development the source file found by the finders."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    return None


def render_pdf(html: str, *, fetcher: StaticFilesOnly | None = None) -> bytes:
    """Render an HTML document (with <title> and <html lang>) to an accessible PDF."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticFilesOnly())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
