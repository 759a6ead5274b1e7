"""Key pairs for signing SAML messages: a self-signed certificate is what the Swedish eID
Framework's metadata expects (trust comes from the federation's signed metadata)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def key_pair_create(*, key_file: Path, cert_file: Path, common_name: str, years: int = 10) -> None:
    """Write a new RSA key and a self-signed certificate (PEM) for ``common_name``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def key_pair_ensure(*, key_file: Path, cert_file: Path, common_name: str) -> None:
    if not (key_file.exists() and cert_file.exists()):
        key_pair_create(key_file=key_file, cert_file=cert_file, common_name=common_name)


def key_pair_from_pem(*, key_pem: str, cert_pem: str, folder: Path) -> tuple[Path, Path]:
    """The key pair given as PEM text (from the environment: the same secret on every
    server), as files in ``folder`` for pysaml2, which reads paths. The files are a local
    copy named after their content, written once (key readable by the owner only); a
    literal ``\\n`` in the text stands for a line break, as environment files need."""
    key_bytes = key_pem.replace("\\n", "\n").strip().encode() + b"\n"
    cert_bytes = cert_pem.replace("\\n", "\n").strip().encode() + b"\n"
    # Refuse text that is not a key and a certificate before pysaml2 fails obscurely.
    serialization.load_pem_private_key(key_bytes, password=None)
    x509.load_pem_x509_certificate(cert_bytes)
    digest = hashlib.sha256(key_bytes + cert_bytes).hexdigest()[:16]
    key_file, cert_file = folder / f"sp-{digest}-key.pem", folder / f"sp-{digest}-cert.pem"
    if not (key_file.exists() and cert_file.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        for path, content, mode in ((key_file, key_bytes, 0o600), (cert_file, cert_bytes, 0o644)):
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            partial.replace(path)
    return key_file, cert_file
