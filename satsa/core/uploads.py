"""Files people upload: the document types a municipality uses, checked by their content.

A file is accepted when its name ends in an allowed type *and* its first bytes are that
type; HTML, SVG and programs are refused whatever they are called, so a file served back
can never run as a page in Satsa's origin. The size of a whole upload is limited before
its body is read (:class:`UploadLimitMiddleware`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Type by file ending: (content type served, check of the content).
ZIP_OFFICE = {
    "docx": "word/",
    "xlsx": "xl/",
}
OPEN_DOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": OPEN_DOCUMENT["odt"],
    "ods": OPEN_DOCUMENT["ods"],
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
# Markup a browser would render or run, looked for at the start of text files.
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")
_HEAD = 4096


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_names(data: bytes) -> tuple[list[str], zipfile.ZipFile] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return archive.namelist(), archive
    except (zipfile.BadZipFile, ValueError):
        return None


def _content_matches(kind: str, data: bytes) -> bool:
    head = data[:_HEAD]
    if kind == "pdf":
        return head.startswith(b"%PDF")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if kind in ZIP_OFFICE:
        found = _zip_names(data)
        return found is not None and (
            "[Content_Types].xml" in found[0]
            and any(n.startswith(ZIP_OFFICE[kind]) for n in found[0])
        )
    if kind in OPEN_DOCUMENT:
        found = _zip_names(data)
        if found is None or "mimetype" not in found[0]:
            return False
        return found[1].read("mimetype").strip() == OPEN_DOCUMENT[kind].encode()
    if kind in ("csv", "txt"):
        if b"\x00" in head:
            return False
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return not any(marker in lowered for marker in _MARKUP)
    return False


def check_document(*, name: str, data: bytes) -> str | None:
    """Why the file may not be attached (in Swedish), or None when it may."""
    kind = extension(name)
    if kind not in CONTENT_TYPES:
        return _(
            "Filtypen är inte tillåten. Tillåtna typer: PDF, DOCX, XLSX, ODT, ODS, CSV, TXT, "
            "PNG och JPEG."
        )
    if not _content_matches(kind, data):
        return _("Filens innehåll är inte en %(kind)s-fil.") % {"kind": kind.upper()}
    return None


def document_name(name: str) -> str:
    """The file name a person gave, without any folder of a storage path or a browser's
    (``cases/3/12/plan.pdf`` and ``C:\\Users\\a\\plan.pdf`` both give ``plan.pdf``)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def read_upload(file: Any) -> bytes:
    file.seek(0)
    data = bytes(file.read())
    file.seek(0)
    return data


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(extension(name), "application/octet-stream")


class UploadLimitMiddleware:
    """Refuse a file upload larger than ``SATSA_MAX_UPLOAD_BYTES`` before reading its body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "multipart/form-data":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.SATSA_MAX_UPLOAD_BYTES
            if length > limit:
                # Rendered without the request: authentication has not run yet.
                html = render_to_string(
                    "core/upload_too_large.html", {"megabytes": limit // (1024 * 1024)}
                )
                return HttpResponse(html, status=413)
        return self.get_response(request)
