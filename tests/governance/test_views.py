"""Governance pages: roles, htmx fragments, forms, imports and the live mix builder."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import Dataset, License, ReviewStatus, TrainingMix
from tests.governance.factories import DatasetFactory, MixComponentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]

HTMX = {"HTTP_HX_REQUEST": "true"}
TABLE = {**HTMX, "HTTP_HX_TARGET": "results"}


def test_landing_page_links_to_every_section(client_as, pm):
    DatasetFactory(name="C4")
    html = client_as(pm).get("/governance/").content.decode()
    assert html.count("<h1>") == 1
    for url in [
        "/governance/licenses/",
        "/governance/mixes/",
        "/governance/review/",
        "/governance/policies/",
    ]:
        assert f'href="{url}' in html
    assert "C4" in html


@pytest.mark.parametrize(
    "url",
    [
        "/governance/",
        "/governance/datasets/",
        "/governance/licenses/",
        "/governance/review/",
        "/governance/mixes/",
    ],
)
def test_annotators_get_a_403_and_anonymous_users_the_login(client, client_as, annotator, url):
    assert client.get(url).status_code == 302
    assert client_as(annotator).get(url).status_code == 403


def test_inventory_filters_and_htmx_partial(client_as, legal):
    DatasetFactory(name="Alpaca", license_expression="CC-BY-NC-4.0", generated_by="OpenAI")
    DatasetFactory(name="OpenWebText", license_expression="CC0-1.0", web_crawled=True)
    client = client_as(legal)
    page = client.get("/governance/datasets/").content.decode()
    assert "<h1>Dataset inventory</h1>" in page and "Alpaca" in page and "OpenWebText" in page
    partial = client.get("/governance/datasets/?commercial_use=not_allowed", **TABLE)
    body = partial.content.decode()
    assert "<h1>" not in body and 'id="results"' in body
    assert "Alpaca" in body and "OpenWebText" not in body
    assert partial["Vary"].count("HX-Request") == 1
    flagged = client.get("/governance/datasets/?flag=web_crawled", **TABLE).content.decode()
    assert "OpenWebText" in flagged and "Alpaca" not in flagged
    searched = client.get("/governance/datasets/?q=alpa", **TABLE).content.decode()
    assert "Alpaca" in searched and "OpenWebText" not in searched
    empty = client.get("/governance/datasets/?q=zzz", **TABLE).content.decode()
    assert "Nothing matches these filters." in empty


def test_inventory_paginates(client_as, pm):
    for index in range(27):
        DatasetFactory(name=f"Set {index:02d}")
    html = client_as(pm).get("/governance/datasets/?page=2").content.decode()
    assert "Page 2 of 2" in html and "Set 26" in html and "Set 00" not in html


def test_license_catalog_search_is_htmx(client_as, pm):
    client = client_as(pm)
    body = client.get("/governance/licenses/?q=odc-by", **TABLE).content.decode()
    assert "ODC-By-1.0" in body and "<h1>" not in body
    everything = client.get("/governance/licenses/?scope=all&q=0BSD").content.decode()
    assert "0BSD" in everything


def test_legal_overrides_license_facts_in_the_ui(client_as, legal, pm):
    assert (
        client_as(pm)
        .post(
            "/governance/licenses/MIT/",
            {"override-use_class": "commercial", "override-reason": "x"},
        )
        .status_code
        == 403
    )
    client = client_as(legal)
    response = client.post(
        "/governance/licenses/CC-BY-4.0/",
        {
            "override-use_class": "commercial",
            "override-attribution_required": "on",
            "override-needs_legal_review": "on",
            "override-reason": "Check attribution practice.",
        },
    )
    assert response.status_code == 302
    cc = License.objects.get(spdx_id="CC-BY-4.0")
    assert cc.needs_legal_review and cc.overridden_by == legal
    page = client.get("/governance/licenses/CC-BY-4.0/").content.decode()
    assert "Check attribution practice." in page and "overridden" in page


def test_register_dataset_form_shows_the_unknown_symbol(client_as, pm):
    client = client_as(pm)
    bad = client.post(
        "/governance/datasets/new/",
        {"name": "X", "license_expression": "MIT AND WTFPL-9", "collection_method": "licensed"},
    )
    assert bad.status_code == 200
    assert "WTFPL-9" in bad.content.decode()
    assert not Dataset.objects.exists()
    ok = client.post(
        "/governance/datasets/new/",
        {
            "name": "Dolly",
            "license_expression": "cc-by-sa-3.0",
            "collection_method": "manual",
            "languages": "en, de",
            "contains_personal_data": "on",
        },
    )
    dataset = Dataset.objects.get(name="Dolly")
    assert ok.status_code == 302 and ok["Location"] == f"/governance/datasets/{dataset.pk}/"
    assert dataset.languages == ["en", "de"] and dataset.license_expression == "CC-BY-SA-3.0"
    detail = client.get(ok["Location"]).content.decode()
    assert "Contains personal data and no PII removal step is recorded." in detail
    assert "Submit for legal review" in detail
    assert "History" in detail and "dataset.create" in detail


def test_submit_and_decide_from_the_detail_page(client_as, pm, legal):
    dataset = DatasetFactory(name="OASST1", license_expression="Apache-2.0")
    client_as(pm).post(f"/governance/datasets/{dataset.pk}/submit/")
    dataset.refresh_from_db()
    assert dataset.status == ReviewStatus.IN_REVIEW
    assert client_as(pm).post(f"/governance/datasets/{dataset.pk}/approve/").status_code == 403
    client = client_as(legal)
    queue = client.get("/governance/review/").content.decode()
    assert "OASST1" in queue
    page = client.get(f"/governance/datasets/{dataset.pk}/").content.decode()
    assert 'data-testid="approve"' in page
    rejected = client.post(f"/governance/datasets/{dataset.pk}/reject/", {"note": ""})
    assert rejected.status_code == 400 and "Say why" in rejected.content.decode()
    client.post(f"/governance/datasets/{dataset.pk}/approve/", {"note": "Fine"})
    dataset.refresh_from_db()
    assert dataset.status == ReviewStatus.APPROVED and dataset.reviewer == legal


def test_card_import_page(client_as, pm):
    card = b"---\npretty_name: TinyStories\nlicense: cdla-sharing-1.0\nlanguage: [en]\n---\n"
    response = client_as(pm).post(
        "/governance/datasets/import-card/",
        {"hub_id": "roneneldan/TinyStories", "card_file": SimpleUploadedFile("README.md", card)},
    )
    assert response.status_code == 302
    assert Dataset.objects.get(name="TinyStories").license_expression == "CDLA-Sharing-1.0"


def test_csv_import_page_lists_bad_lines(client_as, pm):
    csv = b"name,license_expression\nOK,MIT\nBad,NOPE-LICENSE\n"
    response = client_as(pm).post(
        "/governance/datasets/import-csv/", {"csv_file": SimpleUploadedFile("d.csv", csv)}
    )
    assert response.status_code == 400
    assert "Line 3" in response.content.decode() and "NOPE-LICENSE" in response.content.decode()
    assert not Dataset.objects.exists()


def test_csv_export_download(client_as, pm):
    DatasetFactory(name="C4", license_expression="ODC-By-1.0")
    response = client_as(pm).get("/governance/datasets/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="datasets.csv"'
    rows = list(io.StringIO(response.content.decode()))
    assert rows[1].startswith("C4,")


def test_mix_builder_preview_updates_the_verdict(client_as, pm):
    free = DatasetFactory(name="Free", license_expression="CC0-1.0")
    nc = DatasetFactory(name="NC", license_expression="CC-BY-NC-4.0")
    client = client_as(pm)
    page = client.get("/governance/mixes/new/").content.decode()
    assert "<h1>Build a training mix</h1>" in page and "No datasets in the mix yet" in page
    first = client.post(
        "/governance/mixes/preview/", {"add_dataset": free.pk, "add_weight": "1"}, **HTMX
    )
    body = first.content.decode()
    assert "<h1>" not in body and 'id="mix-builder"' in body
    assert 'data-testid="commercial-use">allowed' in body
    second = client.post(
        "/governance/mixes/preview/",
        {"dataset": [free.pk], "weight": ["1"], "add_dataset": nc.pk, "add_weight": "3"},
        **HTMX,
    ).content.decode()
    assert 'data-testid="commercial-use">not allowed' in second
    assert "75%" in second
    assert "unspecified 100%" in second
    removed = client.post(
        "/governance/mixes/preview/",
        {"dataset": [free.pk, nc.pk], "weight": ["1", "3"], "remove": nc.pk},
        **HTMX,
    ).content.decode()
    assert 'data-testid="commercial-use">allowed' in removed


def test_save_mix_from_the_builder_and_download_notice(client_as, pm):
    a = DatasetFactory(name="C4", license_expression="ODC-By-1.0")
    client = client_as(pm)
    response = client.post(
        "/governance/mixes/new/", {"name": "Pretrain", "dataset": [a.pk], "weight": ["2"]}
    )
    mix = TrainingMix.objects.get(name="Pretrain")
    assert response["Location"] == f"/governance/mixes/{mix.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Dataset &#x27;C4&#x27; in the mix is not approved yet (draft)." in page
    notice = client.get(f"/governance/mixes/{mix.pk}/notice.md")
    assert "C4" in notice.content.decode()


def test_mix_submit_and_legal_decision_in_the_ui(client_as, pm, legal):
    component = MixComponentFactory(dataset=DatasetFactory(status=ReviewStatus.APPROVED))
    mix = component.mix
    client_as(pm).post(f"/governance/mixes/{mix.pk}/submit/")
    assert client_as(pm).post(f"/governance/mixes/{mix.pk}/approve/").status_code == 403
    client_as(legal).post(f"/governance/mixes/{mix.pk}/approve/", {"note": "Go"})
    mix.refresh_from_db()
    assert mix.status == TrainingMix.Status.APPROVED and mix.decision_note == "Go"


def test_csv_import_refuses_a_file_that_is_not_utf8_instead_of_mangling_names(client_as, pm):
    csv = "name,license_expression\nCafé corpus,MIT\n".encode("cp1252")
    response = client_as(pm).post(
        "/governance/datasets/import-csv/", {"csv_file": SimpleUploadedFile("d.csv", csv)}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("weight", ["nan", "inf"])
def test_mix_builder_refuses_a_weight_that_is_not_a_finite_number(client_as, pm, api, weight):
    a = DatasetFactory(name="C4", license_expression="ODC-By-1.0")
    response = client_as(pm).post(
        "/governance/mixes/new/", {"name": "Pretrain", "dataset": [a.pk], "weight": [weight]}
    )
    assert response.status_code != 302
    assert "C4: the weight must be" in response.content.decode()
    assert not TrainingMix.objects.exists()
    assert api(pm).get("/api/v1/training-mixes/").status_code == 200


def test_a_decision_only_returns_to_a_page_of_this_site(client_as, legal):
    client = client_as(legal)
    dataset = DatasetFactory(status=ReviewStatus.IN_REVIEW)
    response = client.post(
        f"/governance/datasets/{dataset.pk}/approve/",
        {"note": "Fine", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == f"/governance/datasets/{dataset.pk}/"
    other = DatasetFactory(status=ReviewStatus.IN_REVIEW)
    response = client.post(
        f"/governance/datasets/{other.pk}/approve/", {"note": "Fine", "next": "/governance/review/"}
    )
    assert response["Location"] == "/governance/review/"


def test_card_upload_that_is_not_utf8_is_refused_instead_of_mangling_the_name(client_as, pm):
    card = "---\npretty_name: Café corpus\nlicense: mit\n---\n".encode("cp1252")
    response = client_as(pm).post(
        "/governance/datasets/import-card/", {"card_file": SimpleUploadedFile("README.md", card)}
    )
    assert response.status_code != 302
    assert "UTF-8" in response.content.decode()
    assert not Dataset.objects.exists()
