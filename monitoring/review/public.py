"""What other apps may use of the review queue: nothing yet.

The review queue sits on top of monitoring and is used by no other app: monitoring reaches it
only through the hooks it registers (see `ReviewConfig.ready`), navigation and home-dashboard
cards are found through `settings.STEWARD_APPS`.
"""

__all__: list[str] = []
