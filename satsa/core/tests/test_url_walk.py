"""Walk every page with real ids from the demo data, as every role of every organisation.

The walk starts at each organisation's pages and follows every link, form and htmx
target it finds (pages, exports, PDFs and JSON alike), so a view reached from a link is
walked without being listed here. Every demo person GETs every address of their own
organisation and POSTs every form target of it; people of the other organisations try
the same addresses. No answer may be a server error, and nobody reaches or changes
another organisation's objects.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from satsa.calculations.models import PriceIndex, UnitCost
from satsa.core.tests.test_urls import ALL_URLS, PUBLIC
from satsa.events.models import Event
from satsa.orgs.models import Membership
from satsa.orgs.roles import Role

LINK = re.compile(r'(?:href|action|hx-get|hx-post|src)="(/[^"#]*)"')
POST_TARGET = re.compile(r'<form[^>]*method="post"[^>]*action="(/[^"#]*)"|hx-post="(/[^"#]*)"')
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/")
# Never followed: they end the walker's session.
NOT_FOLLOWED = {"accounts:logout"}
# Views the walk cannot reach from a link, with the reason. Keep this list short: a view
# missing from the walk and from this list fails the test below.
UNREACHED = {
    "accounts:login": "logged-in people are sent on from it",
    "accounts:logout": "ends the walker's session",
    "set_language": "changes the walker's language",
    "accounts:two_factor_verify": "only for people with a device",
    "accounts:two_factor_remove": "only for people with a device",
    "accounts:recovery_codes": "only for people with a device",
    "eid:saml_logout": "only for people logged in with e-legitimation (SAML)",
    # The demo has no such objects yet; test_urls walks them with ids that exist nowhere.
    "followup:evaluation": "the demo has no effect evaluation",
    "followup:evaluation_settle": "the demo has no effect evaluation",
    "followup:termination_decide": "the demo has no termination proposal",
    "followup:termination_position": "the demo has no termination proposal",
    "portfolio:evaluation_pdf": "the demo has no consolidated evaluation",
    "cases:attachment_replace": "needs a file upload; walked in cases/tests/test_attachments.py",
    "files:download": "the demo has no file made in the background; files/tests/test_files.py",
    "files:imports": "polled only while an import waits; followup/tests/test_background_imports.py",
    "cases:attachment_withdraw": "the demo's attachments are in submitted applications",
    "followup:report_attachment": "the demo's reports have no attachments",
    "followup:report_attachment_add": "needs a file upload; walked in followup/tests/test_reports.py",
    "cases:attachment": "the demo uploads no files (its schemas are built in Satsa); "
    "walked in cases/tests/test_attachments.py",
    "followup:report_attachment_withdraw": "the demo's reports have no attachments",
}


# The objects behind views whose links appear only in states the demo's first objects are
# not in: the walk adds an address of the organisation's first such object. Views keyed on
# a case take the organisation's case furthest along in its application.
OBJECTS: dict[str, tuple[str, str]] = {
    "funds:claim_approve": ("funds.Claim", "organisation__slug"),
    "funds:claim_reject": ("funds.Claim", "organisation__slug"),
    "funds:claim_pay": ("funds.Claim", "organisation__slug"),
    "funds:payment_plan_approve": ("funds.PaymentPlan", "case__organisation__slug"),
    "funds:repayment_plan_approve": ("funds.RepaymentPlan", "case__organisation__slug"),
    "followup:evaluation": ("followup.EffectEvaluation", "organisation__slug"),
    "followup:evaluation_settle": ("followup.EffectEvaluation", "organisation__slug"),
    "followup:termination_decide": ("followup.TerminationProposal", "organisation__slug"),
    "followup:termination_position": ("followup.TerminationProposal", "organisation__slug"),
    "followup:report_review": ("followup.Report", "organisation__slug"),
    "portfolio:periodic_report": ("followup.Report", "organisation__slug"),
    "portfolio:evaluation_pdf": ("portfolio.ConsolidatedEvaluation", "organisation__slug"),
}


def fallback_addresses(org: str) -> dict[str, str]:
    from django.apps import apps
    from django.urls import reverse

    from satsa.cases.models import Case

    case = (
        Case.objects.filter(organisation__slug=org, stage="application").first()
        or Case.objects.filter(organisation__slug=org).order_by("-pk").first()
    )
    found = {}
    for name, route in ALL_URLS:
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if "org_slug" not in params or name in PUBLIC:
            continue
        kwargs: dict[str, Any] = {"org_slug": org}
        if name in OBJECTS:
            label, lookup = OBJECTS[name]
            obj = apps.get_model(label).objects.filter(**{lookup: org}).order_by("pk").first()
            if obj is None:
                continue
            kwargs["pk"] = obj.pk
        elif re.search(r"arenden?/<int:\w+>/", route) and len(params) == 2 and case is not None:
            kwargs.update({p: case.pk for p in params if p != "org_slug"})
        elif params != ["org_slug"]:
            continue
        found[name] = reverse(name, kwargs=kwargs)
    return found


@dataclass
class Walk:
    # per organisation: view name -> the addresses walked for it (the first is walked by all)
    pages: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    posts: dict[str, dict[str, str]] = field(default_factory=dict)
    # (username, method, address) -> status
    answers: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def first(self, org: str) -> set[str]:
        """One address per view: what every person of the organisation walks."""
        return {urls[0] for urls in self.pages[org].values()}


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def org_of(path: str) -> str | None:
    match = resolve(urlsplit(path).path)
    return match.kwargs.get("org_slug")


def request(client: Client, method: str, url: str) -> Any:
    # A failing view must not poison the walk's transaction (PostgreSQL aborts it).
    savepoint = transaction.savepoint_create()
    response = getattr(client, method)(url)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


def client_for(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def crawl(walk: Walk, user: Any, org: str, *, per_view: int) -> None:
    """GET the known addresses of ``org`` as ``user``, following new links as found.

    Up to ``per_view`` addresses per view are walked (objects in different states link
    to different pages); a view already walked is walked again at its first address.
    """
    client = client_for(user)
    known = walk.pages.setdefault(org, {})
    posts = walk.posts.setdefault(org, {})
    queue = ["/", "/oversikt/", f"/o/{org}/", *walk.first(org)]
    visited: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in visited or url.startswith(SKIP_PREFIXES):
            continue
        name = view_name(url)
        if name is None or name in NOT_FOLLOWED or org_of(url) not in (None, org):
            continue
        addresses = known.setdefault(name, [])
        if url not in addresses[:1] and len(addresses) >= per_view:
            continue
        visited.add(url)
        if url not in addresses:
            addresses.append(url)
        response = request(client, "get", url)
        walk.answers[(user.username, "get", url)] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for match in POST_TARGET.finditer(body):
            target = html.unescape(match.group(1) or match.group(2))
            target_name = view_name(target)
            if target_name and target_name not in NOT_FOLLOWED and org_of(target) == org:
                posts.setdefault(target_name, target)
        queue.extend(html.unescape(link) for link in LINK.findall(body))


def members(org: str) -> list[Any]:
    users = get_user_model().objects.filter(memberships__organisation__slug=org).distinct()
    # The coordinator first: they see the most, so the others walk the most addresses.
    return sorted(users, key=lambda u: (not _is_coordinator(u, org), u.username))


def _is_coordinator(user: Any, org: str) -> bool:
    return Membership.objects.filter(
        user=user, organisation__slug=org, role=Role.COORDINATOR
    ).exists()


ORGS = ["orebro", "uppsala", "gavleborg"]
# The coordinator walks this many addresses of each view, the others one.
COORDINATOR_PER_VIEW = 20


@pytest.fixture(scope="module")
def walk(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Walk]:
    # The demo and the walk take a while: once for the module, rolled back at its end.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", verbosity=0)
        result = Walk()
        for org in ORGS:
            coordinator, *others = members(org)
            crawl(result, coordinator, org, per_view=COORDINATOR_PER_VIEW)
            # Views the links did not reach: an address of a real object, walked by all.
            for name, address in fallback_addresses(org).items():
                if name not in result.pages[org] and name not in result.posts[org]:
                    result.pages[org][name] = [address]
                    result.posts[org][name] = address
            crawl(result, coordinator, org, per_view=1)
            for user in others:
                crawl(result, user, org, per_view=1)
        yield result
        transaction.set_rollback(True)


def test_no_page_answers_any_role_with_a_server_error(walk: Walk) -> None:
    errors = [f"{u} GET {url} -> {s}" for (u, m, url), s in walk.answers.items() if s >= 500]
    assert errors == []


def test_the_coordinator_reaches_every_page_of_the_price_indices(walk: Walk) -> None:
    # Regression: the price-index list answered 500 to everyone (|last on a queryset).
    url = walk.pages["orebro"]["calculations:price_indices"][0]
    assert walk.answers[("anna", "get", url)] == 200


def test_the_walk_reaches_every_view(walk: Walk) -> None:
    walked = {name for pages in walk.pages.values() for name in pages}
    walked |= {name for posts in walk.posts.values() for name in posts}
    missing = sorted(
        name for name, _ in ALL_URLS if name not in walked | PUBLIC and name not in UNREACHED
    )
    assert missing == [], "link these views from a page, or list them in UNREACHED with why:\n" + (
        "\n".join(missing)
    )


def test_it_walks_the_exports_pdfs_and_json(walk: Walk) -> None:
    walked = walk.pages["orebro"]
    for name in [
        "calculations:unit_costs_csv",
        "calculations:unit_costs_xlsx",
        "funds:journal_csv",
        "funds:journal_xlsx",
        "funds:journal_sie",
        "portfolio:export_xlsx",
        "portfolio:decision_basis",
        "calculations:snapshot_json",
        "followup:case_export",
    ]:
        assert walk.answers[("anna", "get", walked[name][0])] == 200, name


def test_no_post_answers_any_role_with_a_server_error(walk: Walk, db: Any) -> None:
    errors = []
    for org in ORGS:
        for user in members(org):
            client = client_for(user)
            for target in walk.posts[org].values():
                status = request(client, "post", target).status_code
                if status >= 500:
                    errors.append(f"{user.username} POST {target} -> {status}")
    assert errors == []


def test_a_page_hidden_from_a_role_also_refuses_its_form(walk: Walk, db: Any) -> None:
    accepted = []
    for org in ORGS:
        for user in members(org):
            hidden = {
                url
                for (username, method, url), status in walk.answers.items()
                if username == user.username and status in (403, 404)
            }
            client = client_for(user)
            for target in set(walk.posts[org].values()) & hidden:
                status = request(client, "post", target).status_code
                if status not in (403, 404, 405):
                    accepted.append(f"{user.username} POST {target} -> {status}")
    assert accepted == []


def foreign_addresses(walk: Walk, org: str) -> set[str]:
    """The organisation's non-public addresses of its own objects."""
    addresses = walk.first(org) | set(walk.posts[org].values())
    return {
        url
        for url in addresses
        if org_of(url) == org and view_name(url) not in PUBLIC and view_name(url)
    }


@pytest.mark.parametrize("org", ORGS)
def test_other_organisations_reach_nothing_and_change_nothing(
    walk: Walk, db: Any, org: str
) -> None:
    outsiders = [u for other in ORGS if other != org for u in members(other)[:2]]
    before = Event.objects.exclude(verb="user.logged_in").count()
    leaks = []
    for user in outsiders:
        client = client_for(user)
        own = next(o for o in ORGS if o != org and user in members(o))
        for url in sorted(foreign_addresses(walk, org)):
            # The address as it is, and with the outsider's own organisation in it.
            swapped = url.replace(f"/o/{org}/", f"/o/{own}/", 1)
            candidates = [url, swapped]
            for address in candidates:
                for method in ("get", "post"):
                    status = request(client, method, address).status_code
                    if status not in (403, 404, 405) and not (
                        address == swapped and (not _has_ids(address) or _national(address))
                    ):
                        leaks.append(f"{user.username} {method.upper()} {address} -> {status}")
    assert leaks == [], "\n".join(leaks)
    assert Event.objects.exclude(verb="user.logged_in").count() == before


def _has_ids(address: str) -> bool:
    return any(isinstance(v, int) for v in resolve(urlsplit(address).path).kwargs.values())


# Shared national tables every organisation may read under its own address.
NATIONAL = {"calculations:unit_cost": UnitCost, "calculations:price_index": PriceIndex}


def _national(address: str) -> bool:
    match = resolve(urlsplit(address).path)
    model = NATIONAL.get(match.view_name)
    return model is not None and (
        model.objects.filter(pk=match.kwargs["pk"], organisation__isnull=True).exists()
    )
