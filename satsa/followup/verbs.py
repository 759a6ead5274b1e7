from django.utils.translation import gettext_lazy as _  # noqa: F401

VERBS: dict[str, object] = {}
