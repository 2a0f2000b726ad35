"""Views of the sessions app: for staff (public), Comunicaciones (manage), Despacho."""
