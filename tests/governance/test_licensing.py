"""The verdict engine, without Django: every license family, OR/AND/WITH and content flags."""

import pytest

from governance import licensing
from governance.licensing import (
    ALLOWED,
    NOT_ALLOWED,
    UNKNOWN,
    DatasetFlags,
    LicenseExpressionInvalid,
    MixPart,
    attribution_notice,
    dataset_verdict,
    training_mix_verdict,
)

# expression -> (commercial use, attribution, share-alike, no-derivatives, needs review)
SINGLE_LICENSES = [
    ("CC0-1.0", ALLOWED, False, False, False, False),
    ("PDDL-1.0", ALLOWED, False, False, False, False),
    ("Unlicense", ALLOWED, False, False, False, False),
    ("ODC-By-1.0", ALLOWED, True, False, False, False),
    ("ODbL-1.0", ALLOWED, True, True, False, False),
    ("CDLA-Permissive-2.0", ALLOWED, True, False, False, False),
    ("CDLA-Sharing-1.0", ALLOWED, True, True, False, False),
    ("CC-BY-2.0", ALLOWED, True, False, False, False),
    ("CC-BY-3.0", ALLOWED, True, False, False, False),
    ("CC-BY-4.0", ALLOWED, True, False, False, False),
    ("CC-BY-SA-2.0", ALLOWED, True, True, False, False),
    ("CC-BY-SA-3.0", ALLOWED, True, True, False, False),
    ("CC-BY-SA-4.0", ALLOWED, True, True, False, False),
    ("CC-BY-NC-2.0", NOT_ALLOWED, True, False, False, True),
    ("CC-BY-NC-3.0", NOT_ALLOWED, True, False, False, True),
    ("CC-BY-NC-4.0", NOT_ALLOWED, True, False, False, True),
    ("CC-BY-NC-SA-3.0", NOT_ALLOWED, True, True, False, True),
    ("CC-BY-NC-SA-4.0", NOT_ALLOWED, True, True, False, True),
    ("CC-BY-ND-3.0", ALLOWED, True, False, True, False),
    ("CC-BY-ND-4.0", ALLOWED, True, False, True, False),
    ("CC-BY-NC-ND-4.0", NOT_ALLOWED, True, False, True, True),
    ("MIT", ALLOWED, True, False, False, False),
    ("Apache-2.0", ALLOWED, True, False, False, False),
    ("BSD-3-Clause", ALLOWED, True, False, False, False),
    ("BSD-2-Clause", ALLOWED, True, False, False, False),
    ("GPL-2.0-only", ALLOWED, True, True, False, False),
    ("GPL-3.0-or-later", ALLOWED, True, True, False, False),
    ("AGPL-3.0-only", ALLOWED, True, True, False, False),
    ("LGPL-2.1-only", ALLOWED, True, True, False, False),
    ("MPL-2.0", ALLOWED, True, True, False, False),
    ("GFDL-1.3-or-later", ALLOWED, True, True, False, False),
    ("LicenseRef-llama-2-community", ALLOWED, True, False, False, True),
    ("LicenseRef-llama-3.1-community", ALLOWED, True, False, False, True),
    ("LicenseRef-bigscience-openrail-m", ALLOWED, True, False, False, True),
    ("LicenseRef-creativeml-openrail-m", ALLOWED, True, False, False, True),
    ("LicenseRef-openai-terms", UNKNOWN, False, False, False, True),
    ("LicenseRef-research-only", NOT_ALLOWED, True, False, False, True),
    # ScanCode facts for ids without curated facts
    ("Zlib", ALLOWED, True, False, False, False),
    ("EPL-2.0", ALLOWED, True, True, False, False),
]


@pytest.mark.parametrize(
    ("expression", "commercial", "attribution", "share_alike", "no_derivatives", "review"),
    SINGLE_LICENSES,
)
def test_single_license(expression, commercial, attribution, share_alike, no_derivatives, review):
    verdict = dataset_verdict(expression)
    assert verdict.commercial_use == commercial
    assert verdict.attribution_required is attribution
    assert verdict.share_alike is share_alike
    assert verdict.no_derivatives is no_derivatives
    assert verdict.needs_legal_review is review
    assert verdict.reasons, "every verdict explains itself"


def test_lower_case_ids_are_normalised():
    assert licensing.normalize_license_expression("cc-by-4.0 and mit") == "CC-BY-4.0 AND MIT"
    assert licensing.normalize_license_expression("odc-by-1.0") == "ODC-By-1.0"


def test_nc_gives_a_reason_and_review():
    verdict = dataset_verdict("CC-BY-NC-4.0")
    assert "CC-BY-NC-4.0 allows non-commercial use only." in verdict.reasons


def test_unknown_licenseref_needs_review_with_reason():
    verdict = dataset_verdict("LicenseRef-acme-data-terms")
    assert verdict.commercial_use == UNKNOWN
    assert verdict.needs_legal_review
    assert any(
        "LicenseRef-acme-data-terms" in reason and "legal" in reason for reason in verdict.reasons
    )


def test_proprietary_scancode_license_needs_review():
    verdict = dataset_verdict("LicenseRef-scancode-openai-tou-20230314")
    assert verdict.commercial_use == UNKNOWN
    assert verdict.needs_legal_review


def test_unknown_symbol_is_rejected_by_name():
    with pytest.raises(LicenseExpressionInvalid) as exc:
        dataset_verdict("MIT AND cc-by-9.9")
    assert exc.value.unknown_symbols == ["cc-by-9.9"]
    assert "cc-by-9.9" in exc.value.message


@pytest.mark.parametrize("bad", ["MIT AND", "(MIT", "MIT AND AND Apache-2.0", "MIT WITH MIT"])
def test_malformed_expressions_are_rejected(bad):
    with pytest.raises(LicenseExpressionInvalid):
        licensing.parse_license_expression(bad)


def test_blank_license_is_unknown_and_needs_review():
    verdict = dataset_verdict("")
    assert verdict.commercial_use == UNKNOWN
    assert verdict.needs_legal_review
    assert verdict.reasons == ["No license is recorded: legal must establish the terms."]


def test_or_picks_the_alternative_best_for_commercial_use_and_says_which():
    verdict = dataset_verdict("CC-BY-NC-4.0 OR MIT")
    assert verdict.commercial_use == ALLOWED
    assert not verdict.needs_legal_review
    assert verdict.licenses == ["MIT"]
    assert verdict.reasons[0] == (
        "Of the alternatives CC-BY-NC-4.0 / MIT, MIT was chosen as the best for commercial use."
    )


def test_or_prefers_fewer_obligations_when_both_allow_commercial_use():
    verdict = dataset_verdict("GPL-3.0-only OR Apache-2.0")
    assert verdict.licenses == ["Apache-2.0"]
    assert not verdict.share_alike


def test_or_prefers_no_attribution_when_all_else_is_equal():
    assert dataset_verdict("CC-BY-4.0 OR CC0-1.0").licenses == ["CC0-1.0"]


def test_or_of_two_restrictive_options_stays_restrictive():
    verdict = dataset_verdict("CC-BY-NC-4.0 OR CC-BY-NC-SA-4.0")
    assert verdict.commercial_use == NOT_ALLOWED
    assert verdict.licenses == ["CC-BY-NC-4.0"]


def test_and_takes_the_most_restrictive():
    verdict = dataset_verdict("MIT AND CC-BY-NC-4.0")
    assert verdict.commercial_use == NOT_ALLOWED
    assert verdict.attribution_required
    assert verdict.licenses == ["MIT", "CC-BY-NC-4.0"]


def test_and_combines_share_alike_and_no_derivatives():
    verdict = dataset_verdict("CC-BY-SA-4.0 AND CC-BY-ND-4.0")
    assert verdict.share_alike and verdict.no_derivatives
    assert verdict.commercial_use == ALLOWED


def test_and_with_unknown_custom_license_is_unknown():
    verdict = dataset_verdict("Apache-2.0 AND LicenseRef-vendor-eula")
    assert verdict.commercial_use == UNKNOWN
    assert verdict.needs_legal_review


def test_nested_or_inside_and():
    verdict = dataset_verdict("CC-BY-4.0 AND (CC-BY-NC-4.0 OR CC0-1.0)")
    assert verdict.commercial_use == ALLOWED
    assert verdict.licenses == ["CC-BY-4.0", "CC0-1.0"]


def test_with_exception_keeps_the_base_license_and_names_the_exception():
    verdict = dataset_verdict("GPL-2.0-only WITH Classpath-exception-2.0")
    assert verdict.share_alike
    assert verdict.commercial_use == ALLOWED
    assert verdict.licenses == ["GPL-2.0-only WITH Classpath-exception-2.0"]
    assert any("Classpath-exception-2.0 exception" in reason for reason in verdict.reasons)


def test_with_unknown_exception_is_invalid():
    with pytest.raises(LicenseExpressionInvalid):
        licensing.parse_license_expression("GPL-2.0-only WITH Made-up-exception")


def test_faces_raise_review_for_portrait_rights():
    verdict = dataset_verdict("CC-BY-4.0", flags=DatasetFlags(contains_faces=True))
    assert verdict.needs_legal_review
    assert verdict.commercial_use == ALLOWED
    assert any("portrait" in reason for reason in verdict.reasons)


def test_books_and_papers_raise_review_for_copyright():
    verdict = dataset_verdict("ODC-By-1.0", flags=DatasetFlags(contains_books_or_papers=True))
    assert verdict.needs_legal_review
    assert any("copyright" in reason for reason in verdict.reasons)


def test_personal_data_without_pii_removal_raises_review():
    verdict = dataset_verdict("CC0-1.0", flags=DatasetFlags(contains_personal_data=True))
    assert verdict.needs_legal_review
    assert "Contains personal data and no PII removal step is recorded." in verdict.reasons


def test_personal_data_with_pii_removal_does_not():
    flags = DatasetFlags(contains_personal_data=True, pii_removed=True)
    verdict = dataset_verdict("CC0-1.0", flags=flags)
    assert not verdict.needs_legal_review


def test_web_crawl_is_noted_without_forcing_review():
    verdict = dataset_verdict("ODC-By-1.0", flags=DatasetFlags(web_crawled=True))
    assert not verdict.needs_legal_review
    assert any("robots.txt" in reason for reason in verdict.reasons)


def test_openai_generated_data_brings_the_api_terms():
    flags = DatasetFlags(generated_by="OpenAI text-davinci-003")
    verdict = dataset_verdict("CC-BY-NC-4.0", flags=flags, name="Alpaca")
    assert verdict.commercial_use == NOT_ALLOWED
    assert verdict.needs_legal_review
    assert "LicenseRef-openai-terms" in verdict.licenses
    assert any("Generated by OpenAI text-davinci-003" in reason for reason in verdict.reasons)


def test_permissively_licensed_gpt_output_is_not_simply_allowed():
    verdict = dataset_verdict("MIT", flags=DatasetFlags(generated_by="ChatGPT (gpt-3.5-turbo)"))
    assert verdict.commercial_use == UNKNOWN
    assert verdict.needs_legal_review


def test_unknown_generator_raises_review():
    verdict = dataset_verdict("MIT", flags=DatasetFlags(generated_by="in-house model v2"))
    assert verdict.needs_legal_review
    assert any("in-house model v2" in reason for reason in verdict.reasons)


def test_catalog_override_changes_the_verdict():
    catalog = dict(licensing.builtin_catalog())
    catalog["mit"] = licensing.LicenseFacts("MIT", use_class=licensing.NON_COMMERCIAL)
    assert dataset_verdict("MIT", catalog=catalog).commercial_use == NOT_ALLOWED


def test_attribution_line_names_dataset_source_and_license():
    verdict = dataset_verdict(
        "CC-BY-SA-3.0",
        name="Dolly",
        source_url="https://huggingface.co/datasets/databricks/databricks-dolly-15k",
        license_url="https://creativecommons.org/licenses/by-sa/3.0/",
    )
    assert verdict.attribution_lines == [
        "Dolly (https://huggingface.co/datasets/databricks/databricks-dolly-15k), licensed under "
        "CC-BY-SA-3.0 (https://creativecommons.org/licenses/by-sa/3.0/)."
    ]


def test_no_attribution_line_for_cc0():
    assert dataset_verdict("CC0-1.0", name="OWT").attribution_lines == []


def test_license_keys_lists_licenses_and_exceptions():
    assert licensing.license_keys("MIT OR (GPL-2.0 WITH Classpath-exception-2.0)") == [
        "MIT",
        "GPL-2.0-only",
        "Classpath-exception-2.0",
    ]


def test_api_terms_lookup():
    assert licensing.api_terms_for("Claude 3 Opus") == "LicenseRef-anthropic-terms"
    assert licensing.api_terms_for("Gemini 1.5") == "LicenseRef-google-gemini-terms"
    assert licensing.api_terms_for("human annotators") is None


def test_builtin_catalog_has_bundled_and_curated_facts():
    catalog = licensing.builtin_catalog()
    assert len(catalog) > 2000
    assert catalog["cc-by-nc-sa-4.0"].source == licensing.CURATED_SOURCE
    assert catalog["0bsd"].source.startswith("ScanCode")


# --- mixes -------------------------------------------------------------------------------------


def part(name, expression, weight=1.0, **flags):
    return MixPart(
        name, weight, dataset_verdict(expression, name=name, flags=DatasetFlags(**flags))
    )


def test_mix_is_as_restrictive_as_its_most_restrictive_part():
    mix = training_mix_verdict([part("OASST1", "Apache-2.0"), part("Alpaca", "CC-BY-NC-4.0")])
    assert mix.verdict.commercial_use == NOT_ALLOWED
    assert mix.verdict.needs_legal_review
    assert "Alpaca: CC-BY-NC-4.0 allows non-commercial use only." in mix.verdict.reasons


def test_mix_of_permissive_parts_is_allowed_without_conflicts():
    mix = training_mix_verdict([part("C4", "ODC-By-1.0", 3), part("OWT", "CC0-1.0", 1)])
    assert mix.verdict.commercial_use == ALLOWED
    assert mix.conflicts == []
    assert mix.shares == {"C4": 0.75, "OWT": 0.25}


def test_two_different_share_alike_licenses_conflict():
    mix = training_mix_verdict([part("Wiki", "CC-BY-SA-3.0"), part("Code", "GPL-3.0-only")])
    assert len(mix.conflicts) == 1
    assert "CC-BY-SA-3.0 (Wiki)" in mix.conflicts[0]
    assert "GPL-3.0 (Code)" in mix.conflicts[0]
    assert mix.verdict.needs_legal_review


def test_same_share_alike_license_twice_does_not_conflict():
    mix = training_mix_verdict([part("Wiki", "CC-BY-SA-3.0"), part("Dolly", "CC-BY-SA-3.0")])
    assert mix.conflicts == []


def test_versions_of_one_copyleft_license_do_not_conflict():
    mix = training_mix_verdict([part("A", "GPL-3.0-only"), part("B", "GPL-3.0-or-later")])
    assert mix.conflicts == []


def test_no_derivatives_component_is_a_conflict():
    mix = training_mix_verdict([part("Essays", "CC-BY-ND-4.0"), part("C4", "ODC-By-1.0")])
    assert mix.conflicts == [
        "Essays is under CC-BY-ND-4.0, which forbids derivatives: it cannot be mixed into "
        "training data without permission."
    ]


def test_or_choice_avoids_a_conflict():
    mix = training_mix_verdict(
        [part("Wiki", "CC-BY-SA-3.0 OR GFDL-1.3-or-later"), part("Dolly", "CC-BY-SA-3.0")]
    )
    assert mix.conflicts == []


def test_empty_mix_is_unknown():
    mix = training_mix_verdict([])
    assert mix.verdict.commercial_use == UNKNOWN
    assert mix.conflicts == []


def test_notice_lists_every_component_needing_attribution():
    parts = [part("C4", "ODC-By-1.0"), part("OWT", "CC0-1.0"), part("Dolly", "CC-BY-SA-3.0")]
    notice = attribution_notice("SFT v1", parts)
    assert notice.startswith("# NOTICE: SFT v1\n")
    assert "- C4, licensed under ODC-By-1.0." in notice
    assert "- Dolly, licensed under CC-BY-SA-3.0." in notice
    assert "No attribution required: OWT." in notice


def test_notice_without_attribution():
    notice = attribution_notice("PD only", [part("OWT", "CC0-1.0")])
    assert "No component of this mix requires attribution." in notice


def test_language_balance_follows_the_weights():
    parts = [
        MixPart("Ko", 1, dataset_verdict("CC0-1.0"), languages=("ko",)),
        MixPart("EnDe", 2, dataset_verdict("CC0-1.0"), languages=("en", "de")),
        MixPart("Code", 1, dataset_verdict("MIT")),
    ]
    assert training_mix_verdict(parts).languages == {
        "de": 0.25,
        "en": 0.25,
        "ko": 0.25,
        "unspecified": 0.25,
    }
