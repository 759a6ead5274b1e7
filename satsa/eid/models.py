"""How an organisation's people log in with e-legitimation, and whom Satsa knows them as.

The personal identity number is never stored: a person is known by a keyed hash of it
(:mod:`satsa.eid.identity`). Roles stay Satsa's memberships; the identity provider only
says who the person is and how sure it is (the level of assurance).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The Swedish eID Framework's levels of assurance (Tillitsnivå), weakest first.
LOA_URI_PREFIX = "http://id.elegnamnden.se/loa/1.0/"


class Loa(models.TextChoices):
    LOA2 = LOA_URI_PREFIX + "loa2", _("Tillitsnivå 2")
    LOA3 = LOA_URI_PREFIX + "loa3", _("Tillitsnivå 3")
    LOA4 = LOA_URI_PREFIX + "loa4", _("Tillitsnivå 4")


class EidSettings(models.Model):
    """One organisation's identity provider: its own SAML IdP, the federation, or OIDC."""

    class Method(models.TextChoices):
        SAML = "saml", _("SAML 2.0 (Sweden Connect eller egen identitetsleverantör)")
        OIDC = "oidc", _("OpenID Connect")

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="eid_settings"
    )
    enabled = models.BooleanField(_("inloggning med e-legitimation påslagen"), default=False)
    method = models.CharField(_("protokoll"), max_length=10, choices=Method.choices, default="saml")
    saml_idp_metadata = models.TextField(
        _("identitetsleverantörens metadata (XML)"),
        blank=True,
        help_text=_("Lämna tomt för att använda federationens metadata (Sweden Connect)."),
    )
    oidc_issuer = models.URLField(_("OIDC-utfärdare (issuer)"), blank=True)
    oidc_client_id = models.CharField(_("OIDC-klient-id"), max_length=200, blank=True)
    oidc_client_secret = models.CharField(_("OIDC-klienthemlighet"), max_length=200, blank=True)
    required_loa = models.CharField(
        _("lägsta tillitsnivå"), max_length=100, choices=Loa.choices, default=Loa.LOA3
    )
    allow_just_in_time = models.BooleanField(
        _("skapa konto utan roller vid första inloggningen"), default=False
    )
    require_eid_for_staff = models.BooleanField(
        _("kräv e-legitimation för handläggare"), default=False
    )
    # Optional: roles from a group attribute of the IdP, e.g. {"satsa-ekonomer": "economist"}.
    group_attribute = models.CharField(
        _("attribut med grupper"),
        max_length=200,
        blank=True,
        help_text=_(
            "SAML-attributets namn eller OIDC-claim. Lämna tomt om roller bara ges i Satsa."
        ),
    )
    group_roles = models.JSONField(_("roller per grupp"), default=dict, blank=True)

    class Meta:
        verbose_name = _("inställning för e-legitimation")
        verbose_name_plural = _("inställningar för e-legitimation")

    def __str__(self) -> str:
        return str(self.organisation)


class PersonIdentity(models.Model):
    """A person of an organisation, known by the keyed hash of their personal identity number."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    # HMAC-SHA256 in hex; see satsa.eid.identity.identity_hash.
    number_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    # Roles this person holds because of the IdP's groups (ended when the group goes).
    group_granted_roles = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("e-legitimation")
        verbose_name_plural = _("e-legitimationer")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number_hash"], name="identity_unique_number"
            ),
            models.UniqueConstraint(fields=["organisation", "user"], name="identity_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ConsumedAssertion(models.Model):
    """A SAML assertion already used to log in; a second use is a replay and is refused."""

    assertion_id = models.CharField(max_length=256, unique=True)
    issuer = models.CharField(max_length=500)
    not_on_or_after = models.DateTimeField()
    consumed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.assertion_id
