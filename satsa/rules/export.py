"""Rulebooks out: plain dicts, diffs between versions, and parameters for the calculation.

>>> from satsa.rules import get_preset
>>> changes = rulebook_diff(get_preset("orebro-2016"), get_preset("orebro-2020"))
>>> [str(c) for c in changes if c.path == "repayment.model"]
["repayment.model: 'to_fund' → 'off'"]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from satsa.rules.schema import Rulebook

__all__ = ["Change", "calculation_parameters", "rulebook_diff", "rulebook_to_dict"]


def rulebook_to_dict(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook as JSON-ready data (dates as ISO strings); reads back with
    :func:`~satsa.rules.loading.rulebook_from_dict`.

    >>> from satsa.rules import get_preset, rulebook_from_dict
    >>> data = rulebook_to_dict(get_preset("orebro-2016"))
    >>> data["repayment"]["floor_share"], data["valid_from"]
    (0.3, '2016-01-01')
    >>> rulebook_from_dict(data) == get_preset("orebro-2016")
    True
    """
    return rulebook.model_dump(mode="json")


@dataclass(frozen=True)
class Change:
    """One difference between two rulebooks.

    ``path`` names list items by their id, e.g. ``criteria.idea.items[real_need].text_sv``,
    so that inserting an item does not show every later item as changed.
    """

    path: str
    kind: Literal["added", "removed", "changed", "reordered"]
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: added {self.new!r}"
        if self.kind == "removed":
            return f"{self.path}: removed {self.old!r}"
        return f"{self.path}: {self.old!r} → {self.new!r}"


def _item_key(item: Any) -> str | None:
    if isinstance(item, dict):
        for name in ("id", "code"):
            if isinstance(item.get(name), str):
                return str(item[name])
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    keys = [_item_key(item) for item in items]
    if not items or any(k is None for k in keys) or len(set(keys)) != len(keys):
        return None
    return {str(k): item for k, item in zip(keys, items, strict=True)}


def _diff(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(Change(sub, "removed", old=old[key]))
            elif key not in old:
                out.append(Change(sub, "added", new=new[key]))
            else:
                _diff(old[key], new[key], sub, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        old_keyed, new_keyed = _keyed(old), _keyed(new)
        if old_keyed is not None and new_keyed is not None:
            _diff_keyed(old_keyed, new_keyed, path, out)
            return
        if old and new and len(old) == len(new) and all(isinstance(x, dict) for x in old):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                _diff(a, b, f"{path}[{index}]", out)
            return
    if old != new:
        out.append(Change(path, "changed", old=old, new=new))


def _diff_keyed(old: dict[str, Any], new: dict[str, Any], path: str, out: list[Change]) -> None:
    for key in [*old, *(k for k in new if k not in old)]:
        sub = f"{path}[{key}]"
        if key not in new:
            out.append(Change(sub, "removed", old=old[key]))
        elif key not in old:
            out.append(Change(sub, "added", new=new[key]))
        else:
            _diff(old[key], new[key], sub, out)
    common_old = [k for k in old if k in new]
    common_new = [k for k in new if k in old]
    if common_old != common_new:
        out.append(Change(path, "reordered", old=common_old, new=common_new))


def rulebook_diff(a: Rulebook, b: Rulebook) -> list[Change]:
    """What changed from rulebook ``a`` to rulebook ``b``, field by field.

    >>> from satsa.rules import get_preset
    >>> rb = get_preset("orebro-2020")
    >>> rulebook_diff(rb, rb)
    []
    >>> newer = rb.model_copy(update={"version": 2})
    >>> rulebook_diff(rb, newer)
    [Change(path='version', kind='changed', old=1, new=2)]
    """
    out: list[Change] = []
    _diff(rulebook_to_dict(a), rulebook_to_dict(b), "", out)
    return out


def calculation_parameters(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook's part of a calculation in ``satsa calc``'s format (ECONOMICS.md §5).

    ``repayment`` is present only when the rulebook has a repayment model.

    >>> from satsa.rules import get_preset
    >>> calculation_parameters(get_preset("orebro-2016"))["repayment"]
    {'floor': 0.3, 'fee': 0.05}
    >>> calculation_parameters(get_preset("orebro-2020"))
    {'horizon_years_after_end': 10, 'discount_rate': 0.035, 'approval': {'basis': 'nominal'}}
    """
    approval = rulebook.approval
    params: dict[str, Any] = {}
    if approval.horizon_years_after_end is not None:
        params["horizon_years_after_end"] = approval.horizon_years_after_end
    params["discount_rate"] = approval.discount_rate
    params["approval"] = {"basis": approval.basis}
    if rulebook.repayment.model != "off":
        params["repayment"] = {
            "floor": rulebook.repayment.floor_share,
            "fee": rulebook.repayment.fee_share,
        }
    return params
