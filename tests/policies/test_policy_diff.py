"""The version diff names what was added, removed, changed and moved (no database)."""

from governance.policies.policy_diff import policy_diff

OLD = [
    {
        "code": "S1",
        "name": "Violent Crimes",
        "description": "",
        "action": "review",
        "enabled": True,
    },
    {
        "code": "S6",
        "name": "Specialized Advice",
        "description": "a",
        "action": "review",
        "enabled": True,
    },
    {"code": "S7", "name": "Privacy", "description": "", "action": "block", "enabled": True},
]


def test_identical_versions_have_an_empty_diff():
    assert policy_diff(OLD, OLD).is_empty


def test_added_removed_changed_and_reordered():
    new = [
        {**OLD[1], "description": "b", "action": "block"},
        OLD[0],
        {
            "code": "C1",
            "name": "Competitor Pricing",
            "description": "",
            "action": "log",
            "enabled": True,
        },
    ]
    diff = policy_diff(OLD, new)
    assert [c["code"] for c in diff.added] == ["C1"]
    assert [c["code"] for c in diff.removed] == ["S7"]
    assert len(diff.changed) == 1
    change = diff.changed[0]
    assert change.code == "S6"
    assert {(f.field, f.old, f.new) for f in change.changes} == {
        ("description", "a", "b"),
        ("action", "review", "block"),
    }
    assert diff.reordered
    body = diff.as_dict()
    assert body["changed"][0]["changes"]["action"] == {"old": "review", "new": "block"}


def test_disabling_a_category_is_a_change_not_a_removal():
    new = [OLD[0], {**OLD[1], "enabled": False}, OLD[2]]
    diff = policy_diff(OLD, new)
    assert not diff.removed and not diff.reordered
    assert diff.changed[0].changes[0].field == "enabled"


def test_exceptions_added_and_removed():
    old_exc = [{"scope": "clinic", "code": "S6", "reason": "clinicians"}]
    new_exc = [{"scope": "kids-app", "code": "S1", "reason": "x"}]
    diff = policy_diff(OLD, OLD, old_exc, new_exc)
    assert diff.exceptions_added == new_exc
    assert diff.exceptions_removed == old_exc
    assert not diff.is_empty
