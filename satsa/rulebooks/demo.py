"""Demo: each demo organisation gets the bundled presets written for it."""

from satsa.events.actors import system_actor
from satsa.orgs.models import Organisation
from satsa.rulebooks.services import rulebook_presets_install


def load() -> None:
    for organisation in Organisation.objects.all():
        rulebook_presets_install(organisation=organisation, actor=system_actor())
