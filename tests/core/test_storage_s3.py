"""MEDIA_STORAGE=s3: files go through django-storages to an S3-compatible store (moto here), and
/readyz tells when the bucket cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from moto import mock_aws

from portico.core import health

S3 = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": "portico-media",
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test-secret",
        "location": "media",
        "default_acl": None,
        "file_overwrite": False,
    },
}


@pytest.fixture
def s3_media(settings: Any) -> Iterator[None]:
    with mock_aws():
        settings.STORAGES = {**settings.STORAGES, "default": S3}
        storages._storages.pop("default", None)
        yield
    storages._storages.pop("default", None)


def test_files_are_stored_in_the_bucket(s3_media: None) -> None:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="portico-media")
    name = default_storage.save("attachments/1/signed.pdf", ContentFile(b"%PDF-1.4"))
    keys = [
        item["Key"]
        for item in boto3.client("s3", region_name="us-east-1").list_objects_v2(
            Bucket="portico-media"
        )["Contents"]
    ]
    assert keys == [f"media/{name}"]
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"%PDF-1.4"
    assert health.check_storage() == "ok"


def test_readiness_fails_when_the_bucket_is_missing(s3_media: None) -> None:
    with pytest.raises(Exception, match=r"NoSuchBucket|Not Found|404"):
        health.check_storage()
