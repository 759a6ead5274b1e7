"""Reads of files handled in the background."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from satsa.files.models import BackgroundFile
from satsa.orgs.models import Organisation
from satsa.types import Actor

# Imports a page shows of one person's, newest first.
SHOWN_IMPORTS = 5


def imports_of(
    *,
    organisation: Organisation,
    actor: Actor,
    kinds: Iterable[str],
    params: Mapping[str, str],
    limit: int = SHOWN_IMPORTS,
) -> list[BackgroundFile]:
    """``actor``'s latest imports of ``kinds`` whose parameters include ``params`` (e.g. one
    measure's), in one query. The caller has checked that the person may import there."""
    matching = {f"params__{name}": str(value) for name, value in params.items()}
    return list(
        BackgroundFile.objects.filter(
            organisation=organisation,
            requested_by_id=getattr(actor, "pk", None),
            is_import=True,
            kind__in=list(kinds),
            **matching,
        )[:limit]
    )
