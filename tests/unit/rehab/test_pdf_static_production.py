"""PDFs keep their stylesheet under the production static storage (hashed file names)."""

import pytest
from django.core.management import call_command
from django.template import Context, Template

from rehab.pdf import StaticFilesOnly, render_pdf

TEMPLATE = Template(
    '{% load static %}<html lang="sv"><head><title>x</title>'
    '<link rel="stylesheet" href="{% static \'pdf/document.css\' %}"></head>'
    "<body><h1>Bedömningsunderlag</h1></body></html>"
)


class RecordingFetcher(StaticFilesOnly):
    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []

    def fetch(self, url, headers=None):
        response = super().fetch(url, headers)
        self.fetched.append(url)
        return response


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    # Only the documents' stylesheets are collected, to keep the test quick; the storage is
    # the production one.
    settings.STATICFILES_DIRS = [("pdf", settings.BASE_DIR / "static" / "pdf")]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_the_stylesheet_is_read_by_its_hashed_name(production_static):
    html = TEMPLATE.render(Context())
    assert "pdf/document.css" not in html  # the hashed name, e.g. pdf/document.3f2a1b.css
    fetcher = RecordingFetcher()
    pdf = render_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert fetcher.refused == []
    assert len(fetcher.fetched) == 1
    assert fetcher.fetched[0].startswith("https://samrehab.invalid/static/pdf/document.")
