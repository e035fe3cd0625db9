"""Reference rows that migrations seed: the published `default` policy."""

from governance.policies.services import policy_default_ensure


def ensure() -> None:
    policy_default_ensure()
