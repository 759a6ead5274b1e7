"""Who is guessing passwords: the client's address behind a trusted proxy, and a throttle
per username on top of django-axes' lock per username and address.

django-axes locks a username *at one address* after ``AXES_FAILURE_LIMIT`` failures: it
stops one machine guessing, without letting anyone lock another person out from
elsewhere. Guessing spread over many addresses is slowed by :func:`username_throttled`:
once a username has had ``SATSA_LOGIN_USERNAME_LIMIT`` failures within the hour, it may
be tried only once per ``SATSA_LOGIN_USERNAME_DELAY`` seconds, from anywhere. The person
themselves waits seconds, never an hour.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.utils import timezone

from satsa.events.models import Event


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for proxy in settings.SATSA_TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: Any) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, when that is a trusted proxy, the last
    address in the proxy's header that is not itself a trusted proxy.

    The header is read only from a trusted proxy: anyone else could write any address in it.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _is_trusted(remote):
        return remote
    header = request.META.get(settings.SATSA_PROXY_IP_HEADER, "")
    hops = [h.strip() for h in header.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


def username_throttled(username: str, *, now: dt.datetime | None = None) -> bool:
    """Whether a login for ``username`` must wait (many recent failures, one just now)."""
    if not username:
        return False
    now = now or timezone.now()
    recent = Event.objects.filter(
        verb="user.login_failed",
        data__username=username,
        created_at__gte=now - dt.timedelta(hours=1),
    )
    if recent.count() < settings.SATSA_LOGIN_USERNAME_LIMIT:
        return False
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    delay = dt.timedelta(seconds=settings.SATSA_LOGIN_USERNAME_DELAY)
    return last is not None and now - last < delay
