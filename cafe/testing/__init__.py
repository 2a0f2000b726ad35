"""Test helpers shared by the apps' test suites (factories, an SMTP sink)."""
