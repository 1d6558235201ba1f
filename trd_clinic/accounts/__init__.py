"""Log-in with a second factor (django-otp): TOTP from an authenticator app, single-use recovery
codes, and the per-address limit on failed log-ins. See policy.py for who must use it."""
