"""Authenticator apps (TOTP) and recovery codes, for any login: staff and portal users alike.

The portal and the back office each run their own pages; the devices, the codes and the QR
picture are made here, once.
"""

from __future__ import annotations

import base64
import io
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from portico.accounts.models import User
from portico.core import audit

RECOVERY_CODES = 10


def new_key() -> str:
    """A fresh secret (hex), kept in the session until the first code confirms it."""
    return default_key()


def key_as_text(key: str) -> str:
    """The secret as people type it into an app without a camera (base32, in groups of 4)."""
    text = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_matches_key(*, key: str, code: str) -> bool:
    """Whether `code` is what an app holding `key` shows now (one step of drift allowed)."""
    code = code.strip().replace(" ", "")
    return code.isdigit() and TOTP(unhexlify(key)).verify(int(code), tolerance=1)


def qr_data_uri(*, key: str, user: User, issuer: str) -> str:
    """The otpauth:// address of `key` as an SVG QR code, inline (no request, no file)."""
    uri = TOTPDevice(key=key, user=user, name=issuer).config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def two_factor_enable(*, user: User, key: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app (its secret `key`) and make fresh recovery codes; any
    earlier device of the user is replaced."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    totp = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    audit.record_for_user("two_factor_enabled", user_id=user.pk)
    return totp, codes


@transaction.atomic
def two_factor_disable(*, user: User) -> int:
    """Remove every device of the user (a lost phone); sessions verified with one of them
    stop counting as verified (django-otp checks the device on each request)."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    if removed:
        audit.record_for_user("two_factor_disabled", user_id=user.pk)
    return removed
