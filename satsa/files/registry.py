"""The kinds of file Satsa handles in the background, registered by the apps that own them.

An app that has a large export (the fund's journal, the portfolio) registers a ``FileKind``
from its ``AppConfig.ready()``: who may ask for it and how it is built. ``satsa.files``
queues, builds, keeps and hands out the file without importing the app.

An app that imports uploaded files (follow-up's individual-level data) registers an
``ImportKind``: who may import where, and the app's own import service, which checks the
permission itself, locks and writes its events. ``satsa.files`` keeps the upload in
Django's storage until the worker has run the import, then deletes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (organisation, params) -> (content, file name, content type). Raises ValueError for
# parameters it does not accept.
Builder = Callable[[Any, Mapping[str, str]], tuple[bytes, str, str]]


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str | Promise
    perm: str
    build: Builder
    # The request parameters the kind reads (anything else is dropped).
    params: tuple[str, ...] = ()


class ImportRefused(Exception):
    """The file cannot be imported and nothing was changed; ``messages`` are Swedish, one
    per faulty row, and never name a person."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(f"{len(messages)} problems")
        self.messages = messages


# (actor, organisation, params) -> what the import is about, in words. Raises NotPermitted
# when the actor may not import there (or no longer may), ObjectDoesNotExist when the
# parameters name nothing in the organisation.
Authorise = Callable[[Any, Any, Mapping[str, str]], str]
# (actor, organisation, params, content, file name) -> counts, e.g. {"rows": 24}. Calls the
# app's own import service; raises ImportRefused, NotPermitted or ValidationError.
Importer = Callable[[Any, Any, Mapping[str, str], bytes, str], Mapping[str, int]]


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str | Promise
    authorise: Authorise
    run: Importer
    # The request parameters the kind reads (anything else is dropped).
    params: tuple[str, ...] = ()
    # Raises ValidationError (Swedish) when no import of this kind can run now, e.g. a
    # missing key; asked before the upload is kept, and by the service again.
    ready: Callable[[], None] | None = None
    # What a finished import says, from its counts.
    done: str | Promise = _("%(rows)d rader har importerats.")


_KINDS: dict[str, FileKind] = {}
_IMPORTS: dict[str, ImportKind] = {}


def file_kind(kind: FileKind) -> FileKind:
    _KINDS[kind.key] = kind
    return kind


def kind_of(key: str) -> FileKind | None:
    return _KINDS.get(key)


def all_kinds() -> dict[str, FileKind]:
    return dict(_KINDS)


def import_kind(kind: ImportKind) -> ImportKind:
    _IMPORTS[kind.key] = kind
    return kind


def import_kind_of(key: str) -> ImportKind | None:
    return _IMPORTS.get(key)


def all_import_kinds() -> dict[str, ImportKind]:
    return dict(_IMPORTS)
