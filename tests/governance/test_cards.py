"""Reading Hugging Face dataset cards, without Django."""

import pytest

from governance.cards import CardInvalid, hub_license_to_spdx, parse_dataset_card

C4_CARD = """---
pretty_name: C4
annotations_creators:
- no-annotation
language:
- en
license:
- odc-by
size_categories:
- 100M<n<1B
task_categories:
- text-generation
- fill-mask
---

# Dataset Card for C4

A colossal, cleaned version of Common Crawl's web crawl corpus.
"""


@pytest.mark.parametrize(
    ("hub", "spdx"),
    [
        ("cc-by-4.0", "CC-BY-4.0"),
        ("cc-by-sa-3.0", "CC-BY-SA-3.0"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
        ("cc0-1.0", "CC0-1.0"),
        ("odc-by", "ODC-By-1.0"),
        ("odbl", "ODbL-1.0"),
        ("apache-2.0", "Apache-2.0"),
        ("mit", "MIT"),
        ("gpl-3.0", "GPL-3.0-only"),
        ("cdla-sharing-1.0", "CDLA-Sharing-1.0"),
        ("llama2", "LicenseRef-llama-2-community"),
        ("openrail", "LicenseRef-openrail"),
    ],
)
def test_hub_license_ids_map_to_spdx(hub, spdx):
    assert hub_license_to_spdx(hub) == (spdx, [])


def test_other_with_license_name_becomes_a_licenseref_with_review():
    key, reasons = hub_license_to_spdx("other", "The Stack Terms of Use")
    assert key == "LicenseRef-The-Stack-Terms-of-Use"
    assert reasons and "custom license" in reasons[0]


def test_unknown_license_needs_review():
    assert hub_license_to_spdx("unknown") == (
        "",
        ["The card's license is unknown: legal must establish it."],
    )


def test_unmapped_hub_id_becomes_a_licenseref():
    key, reasons = hub_license_to_spdx("c-uda")
    assert key == "LicenseRef-c-uda"
    assert reasons


def test_card_fields_are_read():
    card = parse_dataset_card(C4_CARD, hub_id="allenai/c4")
    assert card.name == "C4"
    assert card.license_expression == "ODC-By-1.0"
    assert card.languages == ["en"]
    assert card.task_categories == ["text-generation", "fill-mask"]
    assert card.size_rows == 100_000_000
    assert card.review_reasons == []


def test_card_title_is_used_without_pretty_name_and_several_licenses_all_apply():
    card = parse_dataset_card(
        "---\nlicense: [cc-by-sa-3.0, gfdl]\nlanguage: en\n---\n# Wikipedia\n", hub_id="w/w"
    )
    assert card.name == "Wikipedia"
    assert card.license_expression == "CC-BY-SA-3.0 AND GFDL-1.3-or-later"
    assert card.languages == ["en"]


def test_card_without_front_matter_is_invalid():
    with pytest.raises(CardInvalid, match="front matter"):
        parse_dataset_card("# Just a title\n")


def test_card_with_broken_yaml_is_invalid():
    with pytest.raises(CardInvalid, match="does not parse"):
        parse_dataset_card("---\nlicense: [mit\n---\n# X\n")
