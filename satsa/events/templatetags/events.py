from django import template

from satsa.events.models import Event
from satsa.events.verbs import all_verbs

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    return str(all_verbs().get(event.verb, event.verb))
