"""Each organisation's rulebook versions, stored as the TOML text that defines them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from satsa.orgs.models import Organisation
from satsa.rules import Rulebook, parse_rulebook


class RulebookVersion(models.Model):
    """One version of an organisation's guideline, valid from a date.

    A case is pinned to the version in force when its idea was registered, by ``key``.
    Versions are never edited: a change is a new version with a new key.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rulebook_versions"
    )
    key = models.CharField(_("regelbokens id"), max_length=60)
    title = models.CharField(_("titel"), max_length=300)
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("gäller från"))
    source_toml = models.TextField(_("regelbok (TOML)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-version"]
        verbose_name = _("regelboksversion")
        verbose_name_plural = _("regelboksversioner")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="rulebook_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"

    @cached_property
    def rulebook(self) -> Rulebook:
        return parse_rulebook(self.source_toml, source=self.key)
