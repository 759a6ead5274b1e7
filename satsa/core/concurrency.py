"""Optimistic concurrency for edit forms: a form carries the version of what it was
loaded from, and a save against anything newer is refused instead of overwriting.

The version is a digest of the saved content itself, so it needs no column: two people
who saved the same text do not conflict, and any other change does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

FIELD = "version"


def content_version(content: Any) -> str:
    """The version of ``content`` (any JSON-serialisable value) as a short digest.

    >>> content_version({"b": 1, "a": [2]}) == content_version({"a": [2], "b": 1})
    True
    """
    text = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class StaleEdit(ValidationError):
    """Someone else saved since this form was loaded; nothing was saved.

    ``current`` is what is saved now, ``version`` its version (a form re-sent with it
    overwrites deliberately), ``by`` who saved it when known.
    """

    def __init__(self, *, current: Any, version: str, by: Any = None) -> None:
        if by is not None:
            message = _(
                "%(name)s har sparat ändringar medan du skrev. Inget av det du skrev har "
                "sparats än, och det finns kvar i formuläret. Jämför med deras ändringar "
                "och spara igen."
            ) % {"name": str(by)}
        else:
            message = _(
                "Någon annan har sparat ändringar medan du skrev. Inget av det du skrev har "
                "sparats än, och det finns kvar i formuläret. Jämför med deras ändringar "
                "och spara igen."
            )
        super().__init__(message, code="stale")
        self.current = current
        self.version = version
        self.by = by


def check_version(*, expected: str | None, current: Any, by: Any = None) -> None:
    """Raise :class:`StaleEdit` when the form's version is not the saved content's.

    ``expected`` None means the caller carries no version (a script, the demo): no check.
    """
    if expected is None:
        return
    version = content_version(current)
    if expected != version:
        raise StaleEdit(current=current, version=version, by=by)
