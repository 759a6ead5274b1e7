from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from satsa.eid.demo import demo_idp
from satsa.eid.demo_idp_server import DemoIdpServer


class Command(BaseCommand):
    help = (
        "Run the demo SAML identity provider on 127.0.0.1:8001 for "
        '"Logga in med e-legitimation" in the demo (run `satsa demo` first).'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        idp = demo_idp(base_url=f"http://127.0.0.1:{port}")
        server = DemoIdpServer(idp, port=port)
        self.stdout.write(f"Demo identity provider: {idp.entity_id}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.stop()
