"""The one small-group rule: no count, aggregate or estimate for fewer than 5 people.

Individual measurements describe vulnerable people, often children (DOMAIN.md §8). Every
screen, export and command shows counts through :func:`suppress`, tables through
:func:`suppress_table`, and refuses estimates through :func:`require_group_size`, so the
rule lives here and nowhere else. Zero is suppressed too: "nobody in this group" is
also a statement about fewer than five people.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Iterable, Mapping
from typing import Any, SupportsIndex

from satsa.evaluation.errors import SmallGroupError

__all__ = [
    "MIN_GROUP_SIZE",
    "SECONDARY",
    "SUPPRESSED",
    "is_reportable",
    "require_group_size",
    "suppress",
    "suppress_table",
    "value_is_shown",
]

#: Smallest group for which any count, aggregate or estimate is shown.
MIN_GROUP_SIZE = 5
#: What is shown instead of a count below ``MIN_GROUP_SIZE``.
SUPPRESSED = f"<{MIN_GROUP_SIZE}"
#: What is shown instead of a count withheld only so that a suppressed one cannot be
#: worked out from the total (secondary suppression).
SECONDARY = ".."


def _as_count(count: object, what: str = "count") -> int:
    # operator.index accepts int and numpy integers but refuses floats such as 4.5.
    if isinstance(count, bool) or not isinstance(count, SupportsIndex):
        raise TypeError(f"{what} must be a whole number, got {type(count).__name__}")
    value = operator.index(count)
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got a negative number")
    return value


def is_reportable(count: SupportsIndex) -> bool:
    """Whether a group of ``count`` people may be shown.

    Examples
    --------
    >>> is_reportable(5), is_reportable(4), is_reportable(0)
    (True, False, False)
    """
    return _as_count(count) >= MIN_GROUP_SIZE


def value_is_shown(count: SupportsIndex | None, *, about_people: bool) -> bool:
    """Whether an aggregate value resting on ``count`` people may be shown as a number.

    Fails closed: a value about people whose head-count is unknown is never shown, since
    it may rest on one person. A value not about people (a count of sessions held, kronor)
    needs no head-count, but one given is respected.

    Examples
    --------
    >>> value_is_shown(30, about_people=True), value_is_shown(3, about_people=True)
    (True, False)
    >>> value_is_shown(None, about_people=True), value_is_shown(None, about_people=False)
    (False, True)
    """
    if count is None:
        return not about_people
    return is_reportable(count)


def suppress(count: SupportsIndex) -> int | str:
    """The count as it may be shown: itself when at least 5, otherwise ``"<5"``.

    Examples
    --------
    >>> suppress(12)
    12
    >>> suppress(3)
    '<5'
    """
    value = _as_count(count)
    return value if is_reportable(value) else SUPPRESSED


def require_group_size(group: str, count: SupportsIndex) -> None:
    """Refuse, with :class:`SmallGroupError`, an estimate resting on fewer than 5 people.

    Examples
    --------
    >>> require_group_size("treatment, baseline", 30)
    >>> require_group_size("control, baseline", 4)
    Traceback (most recent call last):
    ...
    satsa.evaluation.errors.SmallGroupError: Gruppen 'control, baseline' har färre än 5 personer; inga skattningar visas för grupper mindre än 5. / The group 'control, baseline' has fewer than 5 people; no estimate is shown for groups smaller than 5.
    """
    if not is_reportable(count):
        raise SmallGroupError(group, minimum=MIN_GROUP_SIZE)


def suppress_table(
    rows: Iterable[Mapping[str, Any]],
    *,
    labels: Collection[str],
    count_key: str = "n",
    additive: bool = False,
) -> list[dict[str, Any]]:
    """Apply the small-group rule to a table of aggregates, one row per group.

    A row whose count is below 5 keeps its ``labels`` columns, shows ``"<5"`` as its
    count, and ``None`` in every other column (means, shares, estimates …): anything not
    named a label is treated as resting on the group. Rows at or above 5 are unchanged.

    With ``additive=True`` the rows are parts of a whole whose total is shown elsewhere,
    so one suppressed row could be recovered as the total minus the others. Then the
    smallest remaining rows are also withheld (count shown as ``".."``) until at least
    two rows are withheld and together they hold at least 5 people (or every row is
    withheld). The total itself goes through :func:`suppress` like any other count.

    Parameters
    ----------
    rows : iterable of mappings
        Each row holds ``count_key`` (an int) and any other columns.
    labels : collection of str
        Columns that identify the row (group name, period …) and are always kept.
    count_key : str
        The column holding the number of people.
    additive : bool
        Whether the rows add up to a total that is published.

    Returns
    -------
    list of dict
        New rows; the input is not modified.

    Examples
    --------
    >>> rows = [{"group": "a", "n": 12, "mean": 3.5}, {"group": "b", "n": 2, "mean": 9.0}]
    >>> suppress_table(rows, labels=["group"])
    [{'group': 'a', 'n': 12, 'mean': 3.5}, {'group': 'b', 'n': '<5', 'mean': None}]
    >>> rows.append({"group": "c", "n": 20, "mean": 1.0})
    >>> [row["n"] for row in suppress_table(rows, labels=["group"], additive=True)]
    ['..', '<5', 20]
    """
    table = [dict(row) for row in rows]
    counts: list[int] = []
    for row in table:
        if count_key not in row:
            raise KeyError(f"every row needs the count column {count_key!r}")
        counts.append(_as_count(row[count_key], count_key))

    withheld = {i for i, count in enumerate(counts) if not is_reportable(count)}
    secondary: set[int] = set()
    if additive and withheld:
        # Smallest first, so as little as possible is withheld.
        remaining = sorted(
            (i for i in range(len(table)) if i not in withheld), key=counts.__getitem__
        )
        while remaining and (
            len(withheld) + len(secondary) < 2
            or sum(counts[i] for i in withheld | secondary) < MIN_GROUP_SIZE
        ):
            secondary.add(remaining.pop(0))

    for i, row in enumerate(table):
        if i in withheld or i in secondary:
            for key in row:
                if key not in labels:
                    row[key] = None
            row[count_key] = SUPPRESSED if i in withheld else SECONDARY
        else:
            row[count_key] = counts[i]  # a plain int, also for numpy counts (JSON-ready)
    return table
