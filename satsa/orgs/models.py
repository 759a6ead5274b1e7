"""Organisations (kommun or region), their boards and departments, external parties,
and the memberships that give people roles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from satsa.orgs.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("Kommun")
        REGION = "region", _("Region")

    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    # SCB's official code: four digits for a municipality (Örebro 1880), two for a county
    # region, written with a leading zero pad (Region Gävleborg 0021).
    code = models.CharField(
        _("officiell kod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Koden ska vara fyra siffror."))],
    )
    require_two_factor_for_staff = models.BooleanField(
        _("kräv tvåfaktorsinloggning för handläggare"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class Area(models.TextChoices):
    """A board's area of operation; two boards of different areas make a consortium."""

    EXECUTIVE = "executive", _("Ledning och styrning")
    SOCIAL = "social", _("Individ- och familjeomsorg")
    PRESCHOOL = "preschool", _("Förskola")
    SCHOOL = "school", _("Skola")
    CULTURE = "culture", _("Kultur och fritid")
    DISABILITY = "disability", _("Funktionsstöd")
    LABOUR = "labour", _("Arbetsmarknad och vuxenutbildning")
    ELDERLY = "elderly", _("Äldreomsorg")
    HEALTH = "health", _("Hälso- och sjukvård")
    REGIONAL_DEVELOPMENT = "regional_development", _("Regional utveckling")


class Board(models.Model):
    """A nämnd: a political board with an area of operation and a budget frame."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(_("namn"), max_length=200)
    area = models.CharField(_("verksamhetsområde"), max_length=40, choices=Area.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nämnd")
        verbose_name_plural = _("nämnder")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="board_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A förvaltning: the administration that serves one or more boards."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("namn"), max_length=200)
    boards = models.ManyToManyField(Board, verbose_name=_("nämnder"), related_name="departments")

    class Meta:
        ordering = ["name"]
        verbose_name = _("förvaltning")
        verbose_name_plural = _("förvaltningar")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ExternalParty(models.Model):
    """An actor outside the organisation's own boards that may take part in a case."""

    class Kind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Civilsamhällets aktör")
        MUNICIPAL_COMPANY = "municipal_company", _("Kommunalt bolag")
        OTHER_PUBLIC = "other_public", _("Annan offentlig aktör")
        # Kept so that the rules can refuse them: a company is never civil society.
        COMPANY = "company", _("Vinstdrivande företag")

    class Form(models.TextChoices):
        FORENING = "forening", _("Förening")
        STIFTELSE = "stiftelse", _("Stiftelse")
        KOOPERATIV = "kooperativ", _("Kooperativ")
        VALGORENHET = "valgorenhetsorganisation", _("Välgörenhetsorganisation")
        REGION = "region", _("Region")
        STATE_AGENCY = "state_agency", _("Statlig myndighet")
        MUNICIPALITY = "municipality", _("Kommun")
        LIMITED_COMPANY = "aktiebolag", _("Aktiebolag")

    CIVIL_SOCIETY_FORMS = {Form.FORENING, Form.STIFTELSE, Form.KOOPERATIV, Form.VALGORENHET}
    OTHER_PUBLIC_FORMS = {Form.REGION, Form.STATE_AGENCY, Form.MUNICIPALITY}

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ av part"), max_length=30, choices=Kind.choices)
    form = models.CharField(_("form"), max_length=30, choices=Form.choices, blank=True)
    organisation_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    municipal_ownership = models.DecimalField(
        _("kommunens ägarandel"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Andel mellan 0 och 1; gäller kommunala bolag."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("extern part")
        verbose_name_plural = _("externa parter")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="party_unique_name"),
            models.CheckConstraint(
                condition=models.Q(municipal_ownership__isnull=True)
                | models.Q(municipal_ownership__gte=0, municipal_ownership__lte=1),
                name="party_ownership_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def perspective(self) -> str:
        """The party's perspective in a calculation (docs/economics.md), the preset the
        calculation editor offers: a region, state agency, another municipality or a
        municipal company is ``other_public``; civil society and companies ``society``."""
        if self.form in self.OTHER_PUBLIC_FORMS or self.kind in (
            self.Kind.OTHER_PUBLIC,
            self.Kind.MUNICIPAL_COMPANY,
        ):
            return "other_public"
        return "society"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """One role held by one person in one organisation (optionally for a board/department)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    board = models.ForeignKey(
        Board, verbose_name=_("nämnd"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("förvaltning"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_unique_active_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"
