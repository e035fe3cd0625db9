"""The default policy is reference data: loaded after migrate (and after a test flush), not by
a migration, idempotent and cheap when already there."""

import pytest

from governance.policies import reference_data
from governance.policies.default_taxonomy import DEFAULT_POLICY_SLUG
from governance.policies.models import Policy, PolicyVersion
from governance.policies.public import default_policy_id


@pytest.mark.django_db
def test_ensure_is_idempotent_and_one_query_when_loaded(django_assert_num_queries):
    assert Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).count() == 1
    with django_assert_num_queries(1):
        reference_data.ensure()
    assert Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).count() == 1
    assert default_policy_id() == Policy.objects.get(slug=DEFAULT_POLICY_SLUG).pk


@pytest.mark.django_db
def test_ensure_recreates_a_missing_default_policy():
    Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).delete()
    reference_data.ensure()
    version = PolicyVersion.objects.get(policy__slug=DEFAULT_POLICY_SLUG)
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.categories.count() == 14 and version.transitions.get().actor is None


@pytest.mark.django_db(transaction=True)
def test_a_transactional_flush_reloads_the_default_policy():
    assert Policy.objects.filter(slug=DEFAULT_POLICY_SLUG).exists()
