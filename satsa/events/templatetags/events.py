from django import template

from satsa.events.models import Event
from satsa.events.verbs import VERBS

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    return str(VERBS.get(event.verb, event.verb))
