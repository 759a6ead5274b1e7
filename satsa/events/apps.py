from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "satsa.events"
    label = "events"
