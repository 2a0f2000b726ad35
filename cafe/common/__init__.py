"""Small helpers shared by several apps (no models, no imports from the apps)."""
