"""The kinds of file Satsa can make in the background, registered by the apps that own them.

An app that has a large export (the fund's journal, the portfolio) registers a ``FileKind``
from its ``AppConfig.ready()``: who may ask for it and how it is built. ``satsa.files``
queues, builds, keeps and hands out the file without importing the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

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


_KINDS: dict[str, FileKind] = {}


def file_kind(kind: FileKind) -> FileKind:
    _KINDS[kind.key] = kind
    return kind


def kind_of(key: str) -> FileKind | None:
    return _KINDS.get(key)


def all_kinds() -> dict[str, FileKind]:
    return dict(_KINDS)
