"""Write example.csv: constructed KASAM totals for 30 treatment and 30 control people.

Nobody real is in it. Baseline totals are drawn around 58 (SD 10); the treatment group
improves by 6 points on average and the control group by 1 (SD of the change 5), so the
true difference-in-differences is 5. Run from the repository root:

    .venv/bin/python examples/evaluate/make_example.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main() -> None:
    rng = np.random.default_rng(1)
    with open(HERE / "example.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person", "group", "period", "value"])
        for group, prefix, mean_change in (("treatment", "t", 6.0), ("control", "c", 1.0)):
            baseline = rng.normal(58.0, 10.0, size=30)
            follow_up = baseline + rng.normal(mean_change, 5.0, size=30)
            for i, (before, after) in enumerate(zip(baseline, follow_up, strict=True), 1):
                person = f"{prefix}{i:02d}"
                # KASAM totals are whole numbers from 13 to 91
                writer.writerow([person, group, "baseline", int(np.clip(round(before), 13, 91))])
                writer.writerow([person, group, "follow_up", int(np.clip(round(after), 13, 91))])


if __name__ == "__main__":
    main()
