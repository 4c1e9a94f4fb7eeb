"""Uploads are judged by their content; download links hold for their lifetime only."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from motcua_intake.domain.file_links import LinkExpired, LinkInvalid, open_link, sign_link
from motcua_intake.domain.files import (
    EmptyFile,
    FileNotWhatItsNameSays,
    FileTooLarge,
    FileTypeNotAccepted,
    inspect_upload,
    new_file_key,
)

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\0" * 16
JPEG = bytes.fromhex("ffd8ffe000104a46494600") + b"\0" * 16
LIMIT = 1024


@pytest.mark.parametrize(
    ("data", "name", "media_type"),
    [
        (PDF, "to_khai.pdf", "application/pdf"),
        (PNG, "anh.png", "image/png"),
        (JPEG, "anh.JPEG", "image/jpeg"),
        (JPEG, None, "image/jpeg"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_with_their_digest(
    data: bytes, name: str | None, media_type: str
) -> None:
    inspected = inspect_upload(data, filename=name, declared_type=None, max_bytes=LIMIT)
    assert inspected.media_type == media_type
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()
    assert inspected.size == len(data)


def test_a_png_named_pdf_is_refused() -> None:
    with pytest.raises(FileNotWhatItsNameSays):
        inspect_upload(PNG, filename="giay.pdf", declared_type=None, max_bytes=LIMIT)


def test_a_declared_type_that_contradicts_the_content_is_refused() -> None:
    with pytest.raises(FileNotWhatItsNameSays):
        inspect_upload(PDF, filename=None, declared_type="image/png", max_bytes=LIMIT)


def test_other_content_is_refused_whatever_its_name() -> None:
    with pytest.raises(FileTypeNotAccepted):
        inspect_upload(b"MZ\x90\x00binary", filename="x.pdf", declared_type=None, max_bytes=LIMIT)
    with pytest.raises(FileTypeNotAccepted):
        inspect_upload(
            b"GIF89a" + b"\0" * 10, filename="x.gif", declared_type=None, max_bytes=LIMIT
        )


def test_size_limit_and_empty_file() -> None:
    with pytest.raises(FileTooLarge):
        inspect_upload(PDF + b"\0" * LIMIT, filename="a.pdf", declared_type=None, max_bytes=LIMIT)
    with pytest.raises(EmptyFile):
        inspect_upload(b"", filename="a.pdf", declared_type=None, max_bytes=LIMIT)


def test_file_keys_are_random_and_carry_no_name() -> None:
    assert new_file_key("2030-03") != new_file_key("2030-03")
    assert new_file_key("2030-03").startswith("files/2030-03/")


NOW = datetime(2030, 3, 4, 1, 0, tzinfo=UTC)


def test_a_link_opens_until_it_expires() -> None:
    token, expires = sign_link(b"s", "files/k", "H15-1", NOW, timedelta(minutes=5))
    assert expires == NOW + timedelta(minutes=5)
    link = open_link(b"s", token, NOW + timedelta(minutes=4, seconds=59))
    assert (link.key, link.dossier) == ("files/k", "H15-1")
    with pytest.raises(LinkExpired):
        open_link(b"s", token, NOW + timedelta(minutes=5))


def test_a_tampered_or_foreign_link_is_refused() -> None:
    token, _ = sign_link(b"s", "files/k", "H15-1", NOW, timedelta(minutes=5))
    with pytest.raises(LinkInvalid):
        open_link(b"other", token, NOW)
    mac = token.partition(".")[2]
    other, _ = sign_link(b"s", "files/other", "H15-1", NOW, timedelta(minutes=5))
    with pytest.raises(LinkInvalid):
        open_link(b"s", other.partition(".")[0] + "." + mac, NOW)
