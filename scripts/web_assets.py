"""Fetch the browser assets GraphiQL needs (React, ReactDOM, GraphiQL) from the npm registry
into PETSTORE_WEB_ASSETS_DIR (default var/web-assets), so /v1/graphql serves its IDE with no
request to another host. Pinned versions, checked against the registry's sha512 integrity;
nothing is fetched when they are already there. Run by scripts/serve.sh and scripts/test.sh:

    .venv/bin/python scripts/web_assets.py [TARGET_DIR]
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")
# package -> (version, integrity, the files of its tarball the page loads)
PACKAGES = {
    "react": (
        "18.2.0",
        "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
        ("umd/react.production.min.js", "LICENSE"),
    ),
    "react-dom": (
        "18.2.0",
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
        ("umd/react-dom.production.min.js", "LICENSE"),
    ),
    "graphiql": (
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        ("graphiql.min.js", "graphiql.min.css", "LICENSE"),
    ),
}
ATTEMPTS = 3


def _download(url: str) -> bytes:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - https registry
                data: bytes = answer.read()
                return data
        except OSError as exc:
            if attempt == ATTEMPTS:
                raise SystemExit(f"web_assets: cannot fetch {url}: {exc}") from None
    raise AssertionError("unreachable")


def fetch(name: str, version: str, integrity: str, files: tuple[str, ...], target: Path) -> None:
    stamp = target / name / ".version"
    if stamp.is_file() and stamp.read_text() == version:
        return
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    tarball = _download(url)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"web_assets: {url} does not match its pinned integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for wanted in files:
            member = archive.extractfile(f"package/{wanted}")
            if member is None:
                raise SystemExit(f"web_assets: {name}@{version} has no {wanted}")
            path = target / name / wanted
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(member.read())
    stamp.write_text(version)
    print(f"web_assets: {name}@{version} -> {target / name}")


def main(argv: list[str]) -> int:
    default = os.environ.get("PETSTORE_WEB_ASSETS_DIR", "var/web-assets")
    target = Path(argv[0] if argv else default)
    for name, (version, integrity, files) in PACKAGES.items():
        fetch(name, version, integrity, files, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
