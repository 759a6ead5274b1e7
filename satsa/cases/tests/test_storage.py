"""Attachments go through Django's storage API only, so several servers can share one
store (S3-compatible storage is a setting, docs/operations.md): with a store that is not
the local disk, an upload lands there, nothing is written under MEDIA_ROOT, and the
download reads it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from satsa.cases import services
from satsa.cases.models import Attachment

ELSEWHERE = {
    **settings.STORAGES,
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}


@override_settings(STORAGES=ELSEWHERE)
def test_attachments_are_kept_in_the_configured_storage(
    people: Any, walk: Any, client_as: Any
) -> None:
    case = walk.new_idea(people)
    walk.through_idea(people, case)
    services.attachment_add(
        case=case,
        actor=people.applicant,
        kind="other",
        file=SimpleUploadedFile("budget.pdf", b"%PDF-1.7 budget"),
    )
    attachment = Attachment.objects.get(case=case)
    assert isinstance(default_storage, InMemoryStorage)
    assert default_storage.exists(attachment.file.name)
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))

    url = reverse("cases:attachment", args=["orebro", case.pk, attachment.pk])
    response = client_as(people.applicant).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 budget"  # type: ignore[attr-defined]
