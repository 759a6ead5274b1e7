from django import template

from satsa.events.models import Event
from satsa.events.verbs import all_verbs

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    """The verb's sentence; a sentence naming a detail (``%(for)s``: on whose behalf)
    takes it from the event's data."""
    sentence = str(all_verbs().get(event.verb, event.verb))
    if "%(" not in sentence:
        return sentence
    try:
        return sentence % {k: str(v) for k, v in (event.data or {}).items()}
    except (KeyError, TypeError, ValueError):
        return sentence.split("%(", 1)[0].rstrip()
