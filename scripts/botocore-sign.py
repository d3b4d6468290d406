#!/usr/bin/env python3
"""Signs requests with botocore's SigV4 signer, for infra's differential signing tests.

Reads a JSON object from the file named by the first argument (or stdin):
  {"requests": [{"method", "scheme", "host", "port" (or null), "path" (wire-encoded),
                 "query": [[name, value], ...] (raw, decoded), "headers": [[name, value], ...],
                 "body": base64, "service", "region", "date": "YYYYMMDDTHHMMSSZ",
                 "access_key", "secret_key", "token" (or null),
                 "unsigned_payload": bool, "presign_expires": int or absent}]}
Writes a JSON list, one object per request: {"authorization", "canonical_request",
"string_to_sign"} for header signing, {"url", "canonical_request", "string_to_sign"} for
presigning. Exits non-zero (loudly) when botocore is missing.
"""
import base64
import datetime
import json
import sys
import types

try:
    import botocore.auth as auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as error:  # pragma: no cover - the Swift test reports this
    sys.stderr.write(f"botocore is not installed for {sys.executable}: {error}\n"
                     "install it with: python3 -m pip install botocore\n")
    sys.exit(3)

_fixed = {"now": None}
# botocore reads the clock through this function; pinning it makes signatures reproducible.
auth.get_current_datetime = lambda: _fixed["now"]


def url_of(item):
    netloc = item["host"]
    port = item.get("port")
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{item['scheme']}://{netloc}{item['path']}"


def signer_for(item, creds):
    s3 = item["service"] == "s3"
    if "presign_expires" in item:
        cls = auth.S3SigV4QueryAuth if s3 else auth.SigV4QueryAuth
        return cls(creds, item["service"], item["region"], expires=item["presign_expires"])
    cls = auth.S3SigV4Auth if s3 else auth.SigV4Auth
    return cls(creds, item["service"], item["region"])


def sign(item):
    _fixed["now"] = datetime.datetime.strptime(item["date"], "%Y%m%dT%H%M%SZ")
    creds = Credentials(item["access_key"], item["secret_key"], item.get("token"))
    body = base64.b64decode(item["body"])
    request = AWSRequest(method=item["method"], url=url_of(item), data=body,
                         params=[(k, v) for k, v in item["query"]])
    # HTTPHeaders keeps repeated names when assigned one by one.
    for name, value in item["headers"]:
        request.headers[name] = value
    if item.get("unsigned_payload"):
        if item["service"] == "s3":
            request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
        else:
            request.context["payload_signing_enabled"] = False
    signer = signer_for(item, creds)
    captured = {}
    original_sts = signer.string_to_sign

    def capture(req, canonical_request):
        captured["canonical_request"] = canonical_request
        captured["string_to_sign"] = original_sts(req, canonical_request)
        return captured["string_to_sign"]

    signer.string_to_sign = capture
    signer.add_auth(request)
    if "presign_expires" in item:
        captured["url"] = request.url
    else:
        captured["authorization"] = request.headers["Authorization"]
    return captured


def main():
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    with source:
        payload = json.load(source)
    results = [sign(item) for item in payload["requests"]]
    json.dump(results, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
