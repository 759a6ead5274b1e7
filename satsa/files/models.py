from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundFile(models.Model):
    """A file handled by the tasks worker (``satsa db_worker``) for a person: an export it
    makes, or an uploaded file it imports. Both are kept in Django's storage, so that any
    app server or worker can read them; an import's upload is deleted once it has run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Skapas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="background_files"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="background_files"
    )
    kind = models.CharField(max_length=40)
    # An uploaded file to import (``registry.ImportKind``) rather than a file to make.
    is_import = models.BooleanField(default=False)
    params = models.JSONField(default=dict, blank=True)
    # What an import is about (the measure, the case), as the person saw it when they
    # started it: the lists show it without reading other apps' tables.
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="bakgrundsfiler/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    # An import refused: one Swedish message per faulty row (never a person's identifier).
    problems = models.JSONField(default=list, blank=True)
    # An import done: its counts, e.g. {"rows": 24}.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "requested_by", "-created_at"])]

    def __str__(self) -> str:
        # An import's file name is the person's own: the event log names the kind instead.
        if self.is_import:
            return self.kind
        return self.filename or self.kind

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def status_label(self) -> str:
        if self.is_import:
            return str(IMPORT_STATUS[self.status])
        return str(self.get_status_display())


IMPORT_STATUS: dict[str, Any] = {
    BackgroundFile.Status.QUEUED: _("I kö"),
    BackgroundFile.Status.RUNNING: _("Importeras"),
    BackgroundFile.Status.DONE: _("Importerad"),
    BackgroundFile.Status.FAILED: _("Inte importerad"),
}
