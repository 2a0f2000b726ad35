"""What the proposals app does for a supresión.

Signed proposals are part of a public record: their text stays, with the author's
name removed from it, and the author is the retired account ("Persona retirada").
Supports stay as they are, so every stored count holds.
"""

from cafe.org.erasure import mentions_in, redact

from .models import Proposal, StatusChange, Support


def erase_person_data(person) -> dict:
    authored = Proposal.objects.filter(author=person)
    for proposal in authored.filter(mentions_in(person, "title", "text")):
        proposal.title = redact(proposal.title, person)[:150]
        proposal.text = redact(proposal.text, person)
        proposal.save(update_fields=["title", "text"])
    for change in StatusChange.objects.filter(mentions_in(person, "note")):
        change.note = redact(change.note, person)
        change.save(update_fields=["note"])
    return {
        "propuestas_con_autor_retirado": authored.count(),
        "apoyos_conservados": Support.objects.filter(user=person).count(),
    }
