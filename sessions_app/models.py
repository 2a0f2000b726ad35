"""Session, Topic, Registration, Minutes, Feedback (built in the sessions issue)."""
