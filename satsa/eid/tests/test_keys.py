"""The SP's key pair: from the environment's PEM text on every server alike, or files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from satsa.eid import saml
from satsa.orgs.models import Organisation


def test_every_server_signs_with_the_pair_given_in_the_environment(
    settings: Any, key_dir: Path, tmp_path: Path, orebro: Organisation
) -> None:
    key, cert = (key_dir / "sp.key").read_text(), (key_dir / "sp.crt").read_text()
    # An environment file holds one line: its line breaks are written as \n.
    settings.SATSA_SAML_KEY_PEM = key.strip().replace("\n", "\\n")
    settings.SATSA_SAML_CERT_PEM = cert
    servers = []
    for name in ("one", "two"):
        settings.VAR_DIR = tmp_path / name
        settings.SATSA_SAML_KEY_FILE = str(tmp_path / name / "saml" / "sp-key.pem")
        settings.SATSA_SAML_CERT_FILE = str(tmp_path / name / "saml" / "sp-cert.pem")
        key_file, cert_file = saml.sp_key_files()
        assert key_file.read_text() == key and cert_file.read_text() == cert
        assert key_file.stat().st_mode & 0o077 == 0
        # No pair of the server's own is made.
        assert not Path(settings.SATSA_SAML_KEY_FILE).exists()
        servers.append(saml.sp_metadata_xml(orebro, None))
    body = "".join(cert.strip().splitlines()[1:-1])
    assert all(body in metadata for metadata in servers)


def test_half_a_pair_or_text_that_is_no_key_is_refused(settings: Any, key_dir: Path) -> None:
    settings.SATSA_SAML_KEY_PEM = (key_dir / "sp.key").read_text()
    settings.SATSA_SAML_CERT_PEM = ""
    with pytest.raises(ImproperlyConfigured):
        saml.sp_key_files()
    settings.SATSA_SAML_CERT_PEM = "not a certificate"
    with pytest.raises(ValueError):
        saml.sp_key_files()
