"""Interactions register what deleting a contact does to the log (reference 1.14) with
contacts' registry in InteractionsConfig.ready(); contacts never import interactions."""

from rapport.contacts.deletion import contact_delete_steps
from rapport.interactions.services import interactions_detach_contact


def test_deleting_a_contact_runs_the_interaction_logs_step():
    assert interactions_detach_contact in contact_delete_steps()
