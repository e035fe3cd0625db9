"""Read a Hugging Face dataset card (README with YAML front matter): pure, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from governance.licensing import LicenseExpressionInvalid, normalize_license_expression

# Hub license ids whose SPDX id is not just the upper-cased hub id.
HUB_LICENSES = {
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
    "cc0-1.0": "CC0-1.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0",
    "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "gpl": "GPL-3.0-or-later",
    "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "agpl-3.0": "AGPL-3.0-only",
    "gfdl": "GFDL-1.3-or-later",
    "bsd": "BSD-3-Clause",
    "unlicense": "Unlicense",
    "openrail": "LicenseRef-openrail",
    "openrail++": "LicenseRef-openrail",
    "bigscience-openrail-m": "LicenseRef-bigscience-openrail-m",
    "creativeml-openrail-m": "LicenseRef-creativeml-openrail-m",
    "bigscience-bloom-rail-1.0": "LicenseRef-bigscience-bloom-rail-1.0",
    "llama2": "LicenseRef-llama-2-community",
    "llama3": "LicenseRef-llama-3-community",
    "llama3.1": "LicenseRef-llama-3.1-community",
    "llama3.2": "LicenseRef-llama-3.2-community",
    "llama3.3": "LicenseRef-llama-3.3-community",
}

# The hub's size_categories buckets, as a lower bound of rows.
_SIZE_CATEGORY = re.compile(r"^(?:n<(?P<lt>[\d.]+[KMBT]?)|(?P<lo>[\d.]+[KMBT]?)<n<[\d.]+[KMBT]?)$")
_UNITS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000, "T": 1_000_000_000_000}


class CardInvalid(ValueError):
    pass


@dataclass
class CardData:
    name: str = ""
    hub_id: str = ""
    license_expression: str = ""
    license_name: str = ""
    languages: list[str] = field(default_factory=list)
    task_categories: list[str] = field(default_factory=list)
    size_rows: int | None = None
    review_reasons: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item is not None]
    return [str(value)]


def _rows(text: str) -> int:
    number, unit = re.match(r"([\d.]+)([KMBT]?)", text).groups()  # type: ignore[union-attr]
    return int(float(number) * _UNITS[unit])


def size_rows_from_category(category: str) -> int | None:
    match = _SIZE_CATEGORY.match(category.strip())
    if not match:
        return None
    return 0 if match["lt"] else _rows(match["lo"])


def _license_ref(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.")
    return f"LicenseRef-{slug or 'other'}"


def hub_license_to_spdx(hub_id: str, license_name: str = "") -> tuple[str, list[str]]:
    """Map one hub license id to an SPDX id; returns (id or "", review reasons)."""
    key = hub_id.strip().lower()
    if key in ("", "unknown"):
        return "", ["The card's license is unknown: legal must establish it."]
    if key == "other":
        if license_name.strip():
            ref = _license_ref(license_name)
            return ref, [f"The card names a custom license ({license_name}): recorded as {ref}."]
        return "", ["The card says 'other' without naming the license."]
    candidate = HUB_LICENSES.get(key, hub_id.strip())
    try:
        return normalize_license_expression(candidate), []
    except LicenseExpressionInvalid:
        ref = _license_ref(hub_id)
        return ref, [f"The card's license '{hub_id}' is not an SPDX id: recorded as {ref}."]


def split_front_matter(text: str) -> dict[str, Any]:
    text = text.lstrip("\ufeff").lstrip()
    if not text.startswith("---"):
        raise CardInvalid("The card has no YAML front matter (it must start with '---').")
    parts = text.split("\n---", 1)
    if len(parts) < 2:
        raise CardInvalid("The card's YAML front matter is not closed with '---'.")
    try:
        data = yaml.safe_load(parts[0].removeprefix("---"))
    except yaml.YAMLError as exc:
        raise CardInvalid(f"The card's YAML front matter does not parse: {exc}") from exc
    if not isinstance(data, dict):
        raise CardInvalid("The card's YAML front matter is not a mapping.")
    data["_body"] = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return data


def parse_dataset_card(text: str, *, hub_id: str = "") -> CardData:
    data = split_front_matter(text)
    card = CardData(hub_id=hub_id)
    title = re.search(r"^#\s+(.+)$", data.get("_body", ""), re.MULTILINE)
    card.name = str(data.get("pretty_name") or (title.group(1).strip() if title else "") or hub_id)
    if not card.name:
        raise CardInvalid("The card has no pretty_name or title; give the dataset a name.")
    card.license_name = str(data.get("license_name") or "")
    ids = _as_list(data.get("license"))
    spdx: list[str] = []
    for hub_license in ids or ["unknown"]:
        key, reasons = hub_license_to_spdx(hub_license, card.license_name)
        card.review_reasons += reasons
        if key and key not in spdx:
            spdx.append(key)
    # Several licenses on a card apply to different parts: all of them bind.
    card.license_expression = " AND ".join(spdx)
    card.languages = _as_list(data.get("language"))
    card.task_categories = _as_list(data.get("task_categories"))
    sizes = [size_rows_from_category(size) for size in _as_list(data.get("size_categories"))]
    known = [size for size in sizes if size is not None]
    card.size_rows = max(known) if known else None
    return card
