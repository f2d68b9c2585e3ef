"""Render a Django template to PDF with WeasyPrint, offline.

Documents are printed from the same templates as their printable pages. The stylesheet is passed in
directly and WeasyPrint may fetch nothing at all, so nothing leaves the server while rendering.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

DOCUMENT_CSS = "sirkel/documents.css"


@cache
def _css_text() -> str:
    path = finders.find(DOCUMENT_CSS)
    if not path:
        raise FileNotFoundError(DOCUMENT_CSS)
    return Path(str(path)).read_text(encoding="utf-8")


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render `template_name` (extending documents/base.html) to PDF bytes."""
    import weasyprint  # imported here: loading Pango costs time that only PDF requests should pay

    class _NoFetching(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"refused to load {url!r} while rendering a PDF")

    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    document = weasyprint.HTML(string=html, url_fetcher=_NoFetching())
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=_css_text())])
    return pdf


def pdf_response(
    template_name: str, context: dict[str, Any], *, filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """A PDF download. The file name is slugified; callers must not put people's names in it."""
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "dokument"}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
