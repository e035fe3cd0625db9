"""What the review dashboard exports and draws: CSV columns, safe cells, chart series."""

from __future__ import annotations

from typing import Any

# Each CSV export: the dashboard data key it reads and its columns, in order.
DASHBOARD_EXPORTS: dict[str, tuple[str, list[str]]] = {
    "unsafe_rate": (
        "series",
        [
            "day",
            "model_version",
            "scans",
            "guard_unsafe",
            "guard_rate",
            "guard_low",
            "guard_high",
            "labeled",
            "human_unsafe",
            "human_rate",
            "human_low",
            "human_high",
        ],
    ),
    "guard_quality": ("quality", ["category", "tp", "fp", "fn", "tn", "precision", "recall"]),
    "throughput": ("daily", ["day", "queued", "done", "reviews", "seconds"]),
    "annotators": ("annotators", ["annotator", "reviews", "seconds_per_review"]),
    "agreement": ("agreement_rows", ["measure", "value", "low", "high", "n"]),
}


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's chart series (unsafe rates with intervals, queue flow) by day."""
    versions = sorted({row["model_version"] for row in data["series"]})
    days = sorted({row["day"].isoformat() for row in data["series"]})
    by_key = {(row["day"].isoformat(), row["model_version"]): row for row in data["series"]}
    return {
        "days": days,
        "unsafe": [
            {
                "label": f"{version} (guard)",
                "data": [(by_key.get((d, version)) or {}).get("guard_rate") for d in days],
                "low": [(by_key.get((d, version)) or {}).get("guard_low") for d in days],
                "high": [(by_key.get((d, version)) or {}).get("guard_high") for d in days],
            }
            for version in versions
        ]
        + [
            {
                "label": f"{version} (human, random sample)",
                "data": [(by_key.get((d, version)) or {}).get("human_rate") for d in days],
                "low": [(by_key.get((d, version)) or {}).get("human_low") for d in days],
                "high": [(by_key.get((d, version)) or {}).get("human_high") for d in days],
            }
            for version in versions
        ],
        "flow_days": [row["day"].isoformat() for row in data["daily"]],
        "queued": [row["queued"] for row in data["daily"]],
        "done": [row["done"] for row in data["daily"]],
    }
