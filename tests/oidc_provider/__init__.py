"""A real OpenID Connect provider (django-oauth-toolkit) that the SSO tests run as a second
Django process; never part of Steward itself."""
