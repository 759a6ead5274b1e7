"""Logging in with e-legitimation: SAML endpoints (metadata, login, assertion consumer,
single logout), OpenID Connect (login, callback) and the identity provider chooser."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import saml2
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2.saml import NameID
from saml2.sigver import verify_redirect_signature

from satsa.eid import middleware, oidc, saml
from satsa.eid.identity import (
    EidLoginError,
    VerifiedIdentity,
    eid_login_resolve,
    eid_settings_of,
    loa_at_least,
    login_failure_record,
)
from satsa.eid.models import EidSettings, Loa
from satsa.events.services import event_record
from satsa.orgs.models import Organisation

#: Session key holding how the person logged in (read by the middleware and logout).
SESSION_KEY = middleware.SESSION_KEY
_SAML_PENDING = "satsa_eid_saml_pending"
_OIDC_PENDING = "satsa_eid_oidc_pending"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


class _NotOffered(Exception):
    """The organisation does not offer this way of logging in."""


def _organisation(org_slug: str, method: str | None = None) -> tuple[Organisation, EidSettings]:
    org = get_object_or_404(Organisation, slug=org_slug)
    eid = eid_settings_of(org)
    if eid is None or not eid.enabled or (method is not None and eid.method != method):
        raise _NotOffered
    return org, eid


def _offered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a browser that asks for a login the organisation does not offer home, saying so."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _NotOffered:
            messages.error(request, EidLoginError("disabled").message)
            return redirect("core:home")

    return wrapper


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("core:dashboard")


def _refuse(
    request: HttpRequest, org: Organisation | None, method: str, error: EidLoginError
) -> HttpResponse:
    login_failure_record(organisation=org, method=method, reason=error.reason)
    return render(
        request,
        "eid/login_failed.html",
        {"org": org, "message": error.message, "reason": error.reason},
        status=403,
    )


def _complete_login(
    request: HttpRequest,
    org: Organisation,
    identity: VerifiedIdentity,
    next_url: str,
    extra: dict[str, str] | None = None,
) -> HttpResponse:
    try:
        user = eid_login_resolve(organisation=org, identity=identity)
    except EidLoginError as error:
        return _refuse(request, org, identity.method, error)
    login(request, user, backend=_BACKEND)
    request.session[SESSION_KEY] = {
        "method": identity.method,
        "org": org.slug,
        "loa": identity.loa,
        # Read by satsa.accounts.middleware: level 3 and up is multi-factor by definition.
        "two_factor": loa_at_least(identity.loa, Loa.LOA3),
        **(extra or {}),
    }
    event_record(
        actor=user,
        verb="eid.logged_in",
        target=user,
        organisation=org,
        data={"method": identity.method, "loa": identity.loa},
    )
    return HttpResponseRedirect(_safe_next(request, next_url))


# --- chooser -------------------------------------------------------------------------


@login_not_required
@require_GET
@_offered
def chooser(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Pick the identity provider (a federation offers several), then go to it."""
    org, eid = _organisation(org_slug)
    next_url = request.GET.get("next", "")
    if eid.method == EidSettings.Method.OIDC:
        return redirect(reverse("eid:oidc_login", args=[org.slug]) + _query(next=next_url))
    choices = saml.idp_choices(org, eid)
    if len(choices) == 1:
        return redirect(
            reverse("eid:saml_login", args=[org.slug])
            + _query(idp=choices[0].entity_id, next=next_url)
        )
    return render(request, "eid/chooser.html", {"org": org, "choices": choices, "next": next_url})


def _query(**params: str) -> str:
    present = {k: v for k, v in params.items() if v}
    return "?" + urlencode(present) if present else ""


# --- SAML ------------------------------------------------------------------------------


@login_not_required
@require_GET
def saml_metadata(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The service provider's metadata: what the IdP or Sweden Connect registers."""
    org = get_object_or_404(Organisation, slug=org_slug)
    xml = saml.sp_metadata_xml(org, eid_settings_of(org))
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")


@login_not_required
@require_GET
@_offered
def saml_login(request: HttpRequest, org_slug: str) -> HttpResponse:
    org, eid = _organisation(org_slug, EidSettings.Method.SAML)
    choices = {c.entity_id for c in saml.idp_choices(org, eid)}
    idp = request.GET.get("idp", "")
    if idp not in choices:
        if len(choices) == 1:
            idp = next(iter(choices))
        else:
            return redirect(reverse("eid:chooser", args=[org.slug]))
    next_url = _safe_next(request, request.GET.get("next", ""))
    request_id, location = saml.authn_request_prepare(
        organisation=org, eid=eid, idp_entity_id=idp, relay_state=""
    )
    pending = request.session.get(_SAML_PENDING, {})
    # Keep a few outstanding requests (several tabs), newest last.
    pending = dict(list(pending.items())[-4:])
    pending[request_id] = {"org": org.slug, "next": next_url}
    request.session[_SAML_PENDING] = pending
    return HttpResponseRedirect(location)


@csrf_exempt  # the IdP's form posts here; the response's signature and InResponseTo protect it
@login_not_required
@require_http_methods(["GET", "POST"])
def saml_acs(request: HttpRequest, org_slug: str) -> HttpResponse:
    if request.method == "GET":
        return redirect("core:home")  # a bookmark or a reload: nothing to consume
    try:
        org, eid = _organisation(org_slug, EidSettings.Method.SAML)
    except _NotOffered:
        org = get_object_or_404(Organisation, slug=org_slug)
        return _refuse(request, org, "saml", EidLoginError("disabled"))
    if _SAML_PENDING not in request.session and not request.POST.get("resubmitted"):
        # With SameSite=Lax the IdP's cross-site POST came without our session cookie:
        # post the same response again from our own page, which carries it.
        return render(
            request,
            "eid/acs_continue.html",
            {
                "saml_response": request.POST.get("SAMLResponse", ""),
                "relay_state": request.POST.get("RelayState", ""),
            },
        )
    pending: dict[str, dict[str, str]] = request.session.get(_SAML_PENDING, {})
    outstanding = {rid: p["next"] for rid, p in pending.items() if p["org"] == org.slug}
    saml_response = request.POST.get("SAMLResponse", "")
    try:
        if not saml_response:
            raise EidLoginError("failed")
        identity, logout_info = saml.authn_response_verify(
            organisation=org, eid=eid, saml_response=saml_response, outstanding=outstanding
        )
    except EidLoginError as error:
        return _refuse(request, org, "saml", error)
    finally:
        # A request is answered once: whatever came back, it is no longer outstanding.
        request.session[_SAML_PENDING] = {}
    next_url = outstanding.get(logout_info.pop("request_id", ""), "")
    return _complete_login(request, org, identity, next_url, extra=logout_info)


@require_POST
def saml_logout(request: HttpRequest) -> HttpResponse:
    """Log out here and, where the IdP offers single logout, there too."""
    info: dict[str, str] = request.session.get(SESSION_KEY, {})
    org = Organisation.objects.filter(slug=info.get("org", "")).first()
    eid = eid_settings_of(org) if org is not None else None
    user = request.user
    logout(request)
    if info.get("method") != "saml" or org is None or eid is None:
        return redirect("core:home")
    client = saml.sp_client(org, eid)
    try:
        services = client.metadata.single_logout_service(
            info["idp"], saml2.BINDING_HTTP_REDIRECT, "idpsso"
        )
    except Exception:  # an IdP missing from the metadata: nothing more to do
        services = []
    if not services or not info.get("name_id"):
        return redirect("core:home")
    destination = services[0]["location"]
    name_id = saml2.saml.name_id_from_string(info["name_id"])
    _req_id, logout_request = client.create_logout_request(
        destination,
        info["idp"],
        name_id=name_id if isinstance(name_id, NameID) else None,
        session_indexes=[info["session_index"]] if info.get("session_index") else None,
        sign=False,
    )
    http = client.apply_binding(
        saml2.BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        relay_state="",
        sign=True,
        sigalg=saml2.xmldsig.SIG_RSA_SHA256,
    )
    if isinstance(user, get_user_model()):
        event_record(actor=user, verb="eid.logged_out", target=user, organisation=org)
    return HttpResponseRedirect(dict(http["headers"])["Location"])


@login_not_required
@require_GET
@_offered
def saml_sls(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The IdP's answer to our logout, or its request to log a person out here."""
    org, eid = _organisation(org_slug, EidSettings.Method.SAML)
    client = saml.sp_client(org, eid)
    if "SAMLResponse" in request.GET:
        # An unreadable answer changes nothing: we have logged out locally already.
        with contextlib.suppress(Exception):
            client.parse_logout_request_response(
                request.GET["SAMLResponse"], saml2.BINDING_HTTP_REDIRECT
            )
        return redirect("core:home")
    if "SAMLRequest" in request.GET:
        info = request.session.get(SESSION_KEY, {})
        # Only a request signed by the IdP may end a session here (no forged logouts).
        if not request.GET.get("Signature"):
            raise Http404
        try:
            req = client.parse_logout_request(
                request.GET["SAMLRequest"],
                saml2.BINDING_HTTP_REDIRECT,
                relay_state=request.GET.get("RelayState"),
                sigalg=request.GET.get("SigAlg"),
                signature=request.GET["Signature"],
            )
        except Exception as error:
            raise Http404 from error
        if req is None or not _redirect_signature_ok(client, req.issuer.text, request.GET):
            raise Http404
        if info.get("method") == "saml" and info.get("idp") == req.issuer.text:
            logout(request)
        response = client.create_logout_response(req.message, [saml2.BINDING_HTTP_REDIRECT])
        services = client.metadata.single_logout_service(
            req.issuer.text, saml2.BINDING_HTTP_REDIRECT, "idpsso"
        )
        http = client.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(response),
            services[0]["location"],
            relay_state=request.GET.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=saml2.xmldsig.SIG_RSA_SHA256,
        )
        return HttpResponseRedirect(dict(http["headers"])["Location"])
    raise Http404


def _redirect_signature_ok(client: Any, issuer: str, query: Any) -> bool:
    """Whether the HTTP-Redirect binding's query signature is the IdP's (from its metadata).

    pysaml2 checks it only where a service requires signed requests, which an SP
    configuration cannot say for logout requests, so it is checked here.
    """
    message = {
        k: query[k] for k in ("SAMLRequest", "RelayState", "SigAlg", "Signature") if k in query
    }
    try:
        certs = client.metadata.certs(issuer, "idpsso", "signing")
        return any(
            verify_redirect_signature(message, client.sec.sec_backend, cert)
            for _name, cert in certs
        )
    except Exception:  # an unknown algorithm or issuer: not verified
        return False


# --- OpenID Connect --------------------------------------------------------------------


@login_not_required
@require_GET
@_offered
def oidc_login(request: HttpRequest, org_slug: str) -> HttpResponse:
    org, eid = _organisation(org_slug, EidSettings.Method.OIDC)
    redirect_uri = saml.base_url() + reverse("eid:oidc_callback", args=[org.slug])
    url, pending = oidc.authorization_prepare(eid=eid, redirect_uri=redirect_uri)
    pending["next"] = _safe_next(request, request.GET.get("next", ""))
    request.session[_OIDC_PENDING] = {org.slug: pending}
    return HttpResponseRedirect(url)


@login_not_required
@require_GET
@_offered
def oidc_callback(request: HttpRequest, org_slug: str) -> HttpResponse:
    org, eid = _organisation(org_slug, EidSettings.Method.OIDC)
    all_pending: dict[str, Any] = request.session.pop(_OIDC_PENDING, {})
    pending = all_pending.get(org.slug)
    try:
        if pending is None:
            raise EidLoginError("expired")
        identity = oidc.callback_verify(eid=eid, pending=pending, params=request.GET.dict())
    except EidLoginError as error:
        return _refuse(request, org, "oidc", error)
    return _complete_login(request, org, identity, pending.get("next", ""))
