"""Attachments: only document types, checked by content; served only to who sees the case."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from satsa.cases import services
from satsa.cases.models import Attachment


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def an_application(people: Any, walk: Any) -> Any:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    return case


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("budget.pdf", b"%PDF-1.7 budget"),
        ("plan.docx", docx()),
        ("notes.txt", "Överenskommelse med regionen.".encode()),
        ("photo.png", b"\x89PNG\r\n\x1a\n rest"),
    ],
)
def test_document_types_are_accepted(people: Any, walk: Any, name: str, content: bytes) -> None:
    case = an_application(people, walk)
    services.attachment_add(
        case=case, actor=people.applicant, kind="other", file=SimpleUploadedFile(name, content)
    )
    assert case.attachments.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
        ("setup.exe", b"MZ\x90\x00"),
        ("budget.pdf", b"<html><script>alert(1)</script></html>"),  # a page called .pdf
        ("notes.txt", b"<!DOCTYPE html><html><body onload=x()>"),
        ("plan.docx", b"MZ\x90\x00 not a zip"),
    ],
)
def test_pages_images_with_script_and_programs_are_refused(
    people: Any, walk: Any, name: str, content: bytes
) -> None:
    case = an_application(people, walk)
    with pytest.raises(ValidationError):
        services.attachment_add(
            case=case, actor=people.applicant, kind="other", file=SimpleUploadedFile(name, content)
        )
    assert not case.attachments.exists()


def test_attachments_are_served_as_downloads_to_who_sees_the_case(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = an_application(people, walk)
    kind = "other"
    services.attachment_add(
        case=case,
        actor=people.applicant,
        kind=kind,
        file=SimpleUploadedFile("budget.pdf", b"%PDF-1.7 budget"),
    )
    attachment = Attachment.objects.get(case=case)
    url = reverse("cases:attachment", args=["orebro", case.pk, attachment.pk])
    page = client_as(people.applicant).get(reverse("cases:application", args=["orebro", case.pk]))
    assert url in page.content.decode() and "/media/" not in page.content.decode()

    response = client_as(people.applicant).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 budget"  # type: ignore[attr-defined]
    # another applicant of the organisation does not see this case
    assert client_as(people.other_applicant).get(url).status_code == 404


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = an_application(people, walk)
    url = reverse("cases:attachment_upload", args=["orebro", case.pk])
    with override_settings(SATSA_MAX_UPLOAD_BYTES=1024):
        response = client_as(people.applicant).post(
            url, {"kind": "other", "file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096)}
        )
    assert response.status_code == 413
    assert "för stor" in response.content.decode()
    assert not case.attachments.exists()


def test_an_other_attachment_is_listed_by_its_own_name(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = an_application(people, walk)
    services.attachment_add(
        case=case,
        actor=people.applicant,
        kind="other",
        file=SimpleUploadedFile("Avsiktsförklaring Activa.pdf", b"%PDF-1.7 x"),
    )
    page = client_as(people.applicant).get(reverse("cases:application", args=["orebro", case.pk]))
    html = page.content.decode()
    assert "Övrig bilaga" in html and "Avsiktsförklaring Activa.pdf" in html
    assert f"{case.organisation_id}/{case.pk}/" not in html  # no storage path


def test_the_download_is_named_as_uploaded_even_when_storage_renames_it(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = an_application(people, walk)
    for _ in range(2):
        services.attachment_add(
            case=case,
            actor=people.applicant,
            kind="other",
            file=SimpleUploadedFile("budget.pdf", b"%PDF-1.7 x"),
        )
    second = case.attachments.order_by("pk").last()
    assert second is not None and second.file.name.rsplit("/", 1)[-1] != "budget.pdf"
    assert second.name == "budget.pdf"
    response = client_as(people.applicant).get(
        reverse("cases:attachment", args=["orebro", case.pk, second.pk])
    )
    assert 'filename="budget.pdf"' in response["Content-Disposition"]


def test_a_replaced_attachment_is_kept_as_history_and_no_longer_counts(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = an_application(people, walk)
    first = services.attachment_add(
        case=case,
        actor=people.applicant,
        kind="other",
        file=SimpleUploadedFile("plan v1.pdf", b"%PDF-1.7 one"),
    )
    client = client_as(people.applicant)
    client.post(
        reverse("cases:attachment_replace", args=["orebro", case.pk, first.pk]),
        {"file": SimpleUploadedFile("plan v2.pdf", b"%PDF-1.7 two")},
    )
    first.refresh_from_db()
    assert first.replaced_by is not None and first.replaced_by.name == "plan v2.pdf"
    from satsa.cases.selectors import current_attachments

    assert [a.name for a in current_attachments(case)] == ["plan v2.pdf"]
    html = client.get(reverse("cases:application", args=["orebro", case.pk])).content.decode()
    assert "Tidigare versioner" in html and "plan v1.pdf" in html
    # a replaced version cannot be replaced again
    with pytest.raises(ValidationError):
        services.attachment_add(
            case=case,
            actor=people.applicant,
            kind="other",
            file=SimpleUploadedFile("plan v3.pdf", b"%PDF-1.7 three"),
            replaces=first,
        )


def test_an_attachment_can_be_withdrawn_before_submission_but_not_after(
    people: Any, walk: Any, client_as: Any
) -> None:
    from satsa.cases.selectors import current_attachments

    case = an_application(people, walk)
    early = services.attachment_add(
        case=case,
        actor=people.applicant,
        kind="other",
        file=SimpleUploadedFile("fel fil.pdf", b"%PDF-1.7 x"),
    )
    url = reverse("cases:attachment_withdraw", args=["orebro", case.pk, early.pk])
    # another applicant of the organisation may not touch it
    assert client_as(people.other_applicant).post(url).status_code == 404
    client_as(people.applicant).post(url)
    early.refresh_from_db()
    assert early.withdrawn_at is not None
    assert not current_attachments(case).exists()

    kept = services.attachment_add(
        case=case,
        actor=people.applicant,
        kind="other",
        file=SimpleUploadedFile("rätt fil.pdf", b"%PDF-1.7 y"),
    )
    walk.write_application(people, case)
    services.application_submit(case=case, actor=people.applicant)
    with pytest.raises(ValidationError):
        services.attachment_withdraw(attachment=kept, actor=people.applicant)
