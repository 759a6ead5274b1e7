"""The append-only activity log every service writes to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a recorded event."""


class EventQuerySet(models.QuerySet["Event"]):
    def for_object(self, obj: models.Model) -> EventQuerySet:
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("events are append-only")


class Event(models.Model):
    """One thing that happened: who did what to which object, when (UTC), with details."""

    created_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utförd av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    verb = models.CharField(_("händelse"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("objekt"), max_length=300, blank=True)
    data = models.JSONField(_("uppgifter"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # an organisation's newest events (the overview's feed, the activity page)
            # without sorting all of them
            models.Index(
                fields=["organisation", "-created_at", "-id"], name="event_org_newest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("events are append-only")
