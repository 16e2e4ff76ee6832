"""``customlabels settings`` never prints a credential that a URL setting carries."""

from __future__ import annotations

import pytest

from customlabels.cli.redact import mask_url


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://app:s3cret@db:5432/labels", "postgresql://app:***@db:5432/labels"),
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        ("https://TOKEN@proxy.example/s3", "https://***@proxy.example/s3"),
        ("postgresql://app:p@ss@db/labels", "postgresql://app:***@db/labels"),
        (
            "https://s3.example/b?X-Amz-Credential=AKIA&X-Amz-Signature=abc&region=eu",
            "https://s3.example/b?X-Amz-Credential=***&X-Amz-Signature=***&region=eu",
        ),
        (
            "s3://bucket/prefix?access_key=AKIA&secret_key=xyz&endpoint=http://h:9000",
            "s3://bucket/prefix?access_key=***&secret_key=***&endpoint=http://h:9000",
        ),
        (
            "postgresql://db/labels?password=x&sslmode=require&token=t&sig=s&key=k#top",
            "postgresql://db/labels?password=***&sslmode=require&token=***&sig=***&key=***#top",
        ),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("/var/lib/customlabels", "/var/lib/customlabels"),
    ],
)
def test_a_url_keeps_its_server_and_loses_its_credentials(url, masked):
    assert mask_url(url) == masked


def test_the_settings_command_masks_every_url_setting(cli, tmp_path):
    secrets = ["dbpw", "redispw", "storagepw", "s3pw", "qpw", "qtoken", "qsig", "qkey"]
    env = {
        "CUSTOMLABELS_DATABASE_URL": "postgresql://app:dbpw@127.0.0.1:1/x?password=qpw",
        "CUSTOMLABELS_REDIS_URL": "redis://:redispw@127.0.0.1:1/0?token=qtoken",
        "CUSTOMLABELS_STORAGE_URL": "s3://u:storagepw@bucket/p?signature=qsig",
        "CUSTOMLABELS_S3_ENDPOINT_URL": "http://minio:s3pw@127.0.0.1:9000/?key=qkey",
    }
    shown = cli("settings", data_dir=tmp_path, env=env).stdout
    for secret in secrets:
        assert secret not in shown
    assert "CUSTOMLABELS_DATABASE_URL=postgresql://app:***@127.0.0.1:1/x?password=***" in shown
    assert "CUSTOMLABELS_REDIS_URL=redis://:***@127.0.0.1:1/0?token=***" in shown
    assert "CUSTOMLABELS_STORAGE_URL=s3://u:***@bucket/p?signature=***" in shown
    assert "CUSTOMLABELS_S3_ENDPOINT_URL=http://minio:***@127.0.0.1:9000/?key=***" in shown
