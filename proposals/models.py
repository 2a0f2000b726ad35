"""Proposal, StatusChange, Support, Bulletin (built in the proposals issue)."""
