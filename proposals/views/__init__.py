"""Views of the proposals app: the proposals themselves, the dashboard and its report,
the bulletin, commitments, live questions, similar proposals and transparency."""
