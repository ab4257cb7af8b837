#!/usr/bin/env python3
"""Judges every answer slrsim sent during the end-to-end test against AWS's service models (botocore's
JSON models, from the botocore of the e2e venv), more strictly than botocore's parsers, which drop what
they do not know.

    check.py DIFFERENCES_TXT RECORD_JSONL...

Each exchange proxy.py recorded is mapped to its model operation (the query `Action`, the rest-json
method and path, the `X-Amz-Target`) and its answer is checked: the HTTP status; every member is one
the model has, under its wire name (query XML `<member>` list wrappers and `<entry><key><value>` maps,
rest-json header and status members, awsJson member names); every required member is present; the
types (strings, integers and longs, booleans, doubles, timestamps in the protocol's format, blobs,
lists, maps, structures), enum values, lengths and ranges; and errors in the protocol's shape (query
XML `<ErrorResponse><Error><Type><Code><Message>`, rest-json `x-amzn-ErrorType` and a JSON body,
awsJson `__type`), with the status the model's error shape gives, or AWS's common errors' status.

A violation fails unless DIFFERENCES_TXT lists its key (see that file); an entry that matches nothing
fails too, so the file only holds differences that still exist. Exits 0 when all is well (one line),
1 with every violation, and the exchange that broke each rule, otherwise.
"""

import base64
import fnmatch
import json
import math
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.loaders import Loader
from botocore.model import ServiceModel

SERVICES = ("iam", "sts", "mediatailor", "logs")

# AWS's common errors, which any operation may answer though no operation's model lists them, with
# the status each protocol family answers them with (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
# and the JSON protocols' authentication errors). A code the service's model defines takes the
# model's status instead.
COMMON_ERRORS = {
    "query": {
        "AccessDenied": 403, "AccessDeniedException": 400, "IncompleteSignature": 400,
        "InternalFailure": 500, "InvalidAction": 400, "InvalidClientTokenId": 403,
        "InvalidParameterCombination": 400, "InvalidParameterValue": 400, "InvalidQueryParameter": 400,
        "MalformedQueryString": 404, "MissingAction": 400, "MissingAuthenticationToken": 403,
        "MissingParameter": 400, "NotAuthorized": 400, "OptInRequired": 403, "RequestExpired": 400,
        "ServiceUnavailable": 503, "SignatureDoesNotMatch": 403, "ThrottlingException": 400,
        "Throttling": 400, "ValidationError": 400,
    },
    "rest-json": {
        "AccessDeniedException": 403, "IncompleteSignatureException": 403, "IncompleteSignature": 403,
        "InvalidSignatureException": 403, "UnrecognizedClientException": 403,
        "InvalidClientTokenId": 403, "SignatureDoesNotMatch": 403, "MissingAuthenticationTokenException": 403,
        "MissingAuthenticationToken": 403, "ThrottlingException": 429, "InternalFailure": 500,
        "ValidationException": 400, "ServiceUnavailableException": 503,
    },
    "json": {
        "AccessDeniedException": 400, "IncompleteSignature": 400, "IncompleteSignatureException": 400,
        "InvalidSignatureException": 400, "UnrecognizedClientException": 400,
        "MissingAuthenticationTokenException": 400, "MissingAuthenticationToken": 400,
        "InvalidAction": 400, "ThrottlingException": 400, "ValidationException": 400,
        "InternalFailure": 500, "ServiceUnavailableException": 503, "SerializationException": 400,
        "UnknownOperationException": 400,
    },
}

ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
HTTP_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")


def load_models():
    loader = Loader()
    return {s: ServiceModel(loader.load_service_model(s, "service-2"), s) for s in SERVICES}


def error_shapes(model):
    return {s.error_code: s for s in (model.shape_for(n) for n in model.shape_names) if s.metadata.get("exception")}


def wire_name(member_name, shape):
    return shape.serialization.get("name", member_name)


class Checker:
    def __init__(self, models):
        self.models = models
        self.errors_by_service = {s: error_shapes(m) for s, m in models.items()}
        self.found = []  # (key, detail, exchange)
        self.exchange = None
        self.where = ""

    def bad(self, path, rule, detail):
        # The key names the rule without list positions or values, so one broken rule is one key.
        where = re.sub(r"\[\d+\]", "[]", path)
        key = f"{self.where} {where}: {rule}"
        self.found.append((key, f"{path}: {detail}", self.exchange))

    # --- Scalars and constraints -------------------------------------------------------------

    def constraints(self, path, shape, value):
        meta = shape.metadata
        t = shape.type_name
        if t == "string":
            if shape.enum and value not in shape.enum:
                self.bad(path, "not an enum value", f"{value!r} is not one of {shape.enum}")
            n = len(value)
            if "min" in meta and n < meta["min"]:
                self.bad(path, "shorter than min", f"length {n} < min {meta['min']}: {value!r}")
            if "max" in meta and n > meta["max"]:
                self.bad(path, "longer than max", f"length {n} > max {meta['max']}")
            pattern = meta.get("pattern")
            if pattern and not shape.enum:
                try:
                    rx = re.compile(pattern)
                except re.error:
                    rx = None
                if rx is not None and not rx.search(value):
                    self.bad(path, "does not match the pattern", f"{value!r} !~ {pattern}")
        elif t in ("integer", "long", "double", "float"):
            if "min" in meta and value < meta["min"]:
                self.bad(path, "below min", f"{value} < min {meta['min']}")
            if "max" in meta and value > meta["max"]:
                self.bad(path, "above max", f"{value} > max {meta['max']}")
        elif t in ("list", "map"):
            n = len(value)
            if "min" in meta and n < meta["min"]:
                self.bad(path, "fewer items than min", f"{n} < min {meta['min']}")
            if "max" in meta and n > meta["max"]:
                self.bad(path, "more items than max", f"{n} > max {meta['max']}")

    def text_scalar(self, path, shape, text, ts_default):
        """A scalar sent as text (query XML, headers): checked and converted for the constraints."""
        t = shape.type_name
        if t == "string":
            self.constraints(path, shape, text)
        elif t in ("integer", "long"):
            if not re.fullmatch(r"-?\d+", text):
                self.bad(path, f"not an {t}", repr(text))
            else:
                self.constraints(path, shape, int(text))
        elif t == "boolean":
            if text not in ("true", "false"):
                self.bad(path, "not a boolean", repr(text))
        elif t in ("double", "float"):
            try:
                self.constraints(path, shape, float(text))
            except ValueError:
                self.bad(path, f"not a {t}", repr(text))
        elif t == "timestamp":
            self.timestamp(path, shape, text, ts_default)
        elif t == "blob":
            try:
                base64.b64decode(text, validate=True)
            except ValueError:
                self.bad(path, "not base64", repr(text[:80]))
        else:
            self.bad(path, f"a {t} sent as text", repr(text[:80]))

    def timestamp(self, path, shape, value, default):
        fmt = shape.serialization.get("timestampFormat", default)
        if fmt == "iso8601":
            ok = isinstance(value, str) and ISO8601.match(value)
        elif fmt == "rfc822":
            ok = isinstance(value, str) and HTTP_DATE.match(value)
        else:  # unixTimestamp: a JSON number of seconds (a header sends it as text)
            if isinstance(value, str):
                ok = re.fullmatch(r"\d+(\.\d+)?", value)
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok:
            self.bad(path, f"not a timestamp in {fmt}", repr(value))

    # --- Query XML -------------------------------------------------------------------------------

    def xml_value(self, path, shape, el):
        t = shape.type_name
        if t == "structure":
            self.xml_structure(path, shape, el)
        elif t == "list":
            name = shape.member.serialization.get("name", "member")
            items = list(el)
            for i, child in enumerate(items):
                if child.tag != name:
                    self.bad(f"{path}.<{child.tag}>", "list item not wrapped in its <member> name",
                             f"expected <{name}>, got <{child.tag}>")
                else:
                    self.xml_value(f"{path}[{i}]", shape.member, child)
            self.text_only_whitespace(path, el)
            self.constraints(path, shape, items)
        elif t == "map":
            kname = shape.key.serialization.get("name", "key")
            vname = shape.value.serialization.get("name", "value")
            entries = list(el)
            for i, entry in enumerate(entries):
                kids = {c.tag: c for c in entry}
                if entry.tag != "entry" or set(kids) != {kname, vname}:
                    self.bad(f"{path}[{i}]", "map entry not <entry><key/><value/></entry>",
                             f"<{entry.tag}> with {sorted(kids)}")
                    continue
                self.xml_value(f"{path}[{i}].key", shape.key, kids[kname])
                self.xml_value(f"{path}[{i}].value", shape.value, kids[vname])
            self.constraints(path, shape, entries)
        else:
            if len(el):
                self.bad(path, f"a {t} with child elements", f"<{el[0].tag}>")
                return
            self.text_scalar(path, shape, el.text or "", "iso8601")

    def text_only_whitespace(self, path, el):
        if (el.text or "").strip():
            self.bad(path, "text where elements are expected", repr(el.text.strip()[:80]))

    def xml_structure(self, path, shape, el):
        by_wire = {}
        for name, m in shape.members.items():
            by_wire[wire_name(name, m)] = (name, m)
        seen = {}
        for child in el:
            entry = by_wire.get(child.tag)
            if entry is None:
                self.bad(f"{path}.{child.tag}", "member not in the model",
                         f"{shape.name} has {sorted(by_wire)}")
                continue
            name, m = entry
            if name in seen and not m.serialization.get("flattened"):
                self.bad(f"{path}.{child.tag}", "member sent twice", "")
            seen[name] = True
            self.xml_value(f"{path}.{child.tag}", m, child)
        self.text_only_whitespace(path, el)
        for req in shape.required_members:
            if req not in seen:
                self.bad(f"{path}.{req}", "required member missing", f"{shape.name} requires {req}")

    def query(self, model, op, req, resp):
        ns = model.metadata["xmlNamespace"]
        body = resp["body"]
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            self.bad("body", "not XML", str(e))
            return
        q = "{" + ns + "}"
        if not root.tag.startswith(q):
            self.bad(f"<{root.tag}>", "not in the service's XML namespace", f"expected {ns}")
        for e in root.iter():
            if e.tag.startswith("{"):
                e.tag = e.tag.split("}", 1)[1]
        ctype = header(resp, "content-type") or ""
        if not (ctype.startswith("text/xml") or ctype.startswith("application/xml")):
            self.bad("Content-Type", "not XML", repr(ctype))
        if resp["status"] >= 300:
            return self.query_error(model, op, root, resp)
        if op is None:
            self.bad("status", "success for an operation the model lacks", str(resp["status"]))
            return
        if resp["status"] != 200:
            self.bad("status", "HTTP status", f"expected 200, got {resp['status']}")
        if root.tag != f"{op.name}Response":
            self.bad(f"<{root.tag}>", "root element", f"expected <{op.name}Response>")
        kids = list(root)
        names = [k.tag for k in kids]
        out = op.output_shape
        wrapper = out.serialization.get("resultWrapper") if out is not None else None
        expected = ([wrapper] if wrapper else []) + ["ResponseMetadata"]
        if names != expected:
            self.bad("<root>", "children of the response element", f"expected {expected}, got {names}")
        for k in kids:
            if k.tag == "ResponseMetadata":
                if [c.tag for c in k] != ["RequestId"] or not (k[0].text or "").strip():
                    self.bad("ResponseMetadata", "not <RequestId>ID</RequestId>", ET.tostring(k)[:200])
            elif wrapper and k.tag == wrapper:
                self.xml_structure(wrapper, out, k)

    def query_error(self, model, op, root, resp):
        if root.tag != "ErrorResponse":
            self.bad(f"<{root.tag}>", "error root element", "expected <ErrorResponse>")
            return
        names = [k.tag for k in root]
        if names != ["Error", "RequestId"]:
            self.bad("ErrorResponse", "children", f"expected ['Error', 'RequestId'], got {names}")
        err = root.find("Error")
        if err is None:
            return
        fields = {c.tag: (c.text or "") for c in err}
        if [c.tag for c in err] != ["Type", "Code", "Message"]:
            self.bad("Error", "children", f"expected ['Type', 'Code', 'Message'], got {[c.tag for c in err]}")
        code = fields.get("Code", "")
        kind = fields.get("Type")
        expected_type = "Receiver" if resp["status"] >= 500 else "Sender"
        if kind != expected_type:
            self.bad("Error.Type", "Sender for a 4xx, Receiver for a 5xx", f"expected {expected_type}, got {kind!r}")
        if not fields.get("Message"):
            self.bad("Error.Message", "empty", "")
        self.error_status(model, op, code, resp["status"])

    def error_status(self, model, op, code, status):
        protocol = model.metadata["protocol"]
        shape = self.errors_by_service[model.service_name].get(code)
        # An operation whose model lists no errors at all (most of MediaTailor's) does not enumerate
        # them: any error the service's model defines may answer it.
        listed = {s.name for s in op.error_shapes} if op is not None else set()
        if listed and shape is not None and shape.name not in listed and code not in COMMON_ERRORS[protocol]:
            self.bad(f"error {code}", "not among the operation's errors",
                     f"{op.name} lists {sorted(s.error_code for s in op.error_shapes)}")
        # The service's own model first, AWS's common errors for codes it does not define.
        if shape is not None and "httpStatusCode" in shape.metadata.get("error", {}):
            want = shape.metadata["error"]["httpStatusCode"]
        elif shape is not None:
            # A shape without a status: 500 for a server fault, 400 otherwise (awsJson's rule).
            want = 500 if shape._shape_model.get("fault") else 400
        elif code in COMMON_ERRORS[protocol]:
            want = COMMON_ERRORS[protocol][code]
        else:
            self.bad(f"error {code}", "error code the model lacks",
                     f"neither a {model.service_name} error nor a common error")
            return shape
        if status != want:
            self.bad(f"error {code}", "HTTP status of the error", f"expected {want}, got {status}")
        return shape

    # --- JSON (rest-json bodies and awsJson) -------------------------------------------------

    def json_value(self, path, shape, v, ts_default):
        t = shape.type_name
        if v is None:
            self.bad(path, "null", "AWS leaves out a member it has no value for")
            return
        if t == "structure":
            if not isinstance(v, dict):
                self.bad(path, "not an object", repr(v)[:80])
                return
            self.json_structure(path, shape, v, ts_default)
        elif t == "list":
            if not isinstance(v, list):
                self.bad(path, "not a list", repr(v)[:80])
                return
            for i, item in enumerate(v):
                self.json_value(f"{path}[{i}]", shape.member, item, ts_default)
            self.constraints(path, shape, v)
        elif t == "map":
            if not isinstance(v, dict):
                self.bad(path, "not a map", repr(v)[:80])
                return
            for k, item in v.items():
                self.constraints(f"{path}.<key {k}>", shape.key, k)
                self.json_value(f"{path}.{k}", shape.value, item, ts_default)
            self.constraints(path, shape, v)
        elif t == "string":
            if not isinstance(v, str):
                self.bad(path, "not a string", repr(v)[:80])
            else:
                self.constraints(path, shape, v)
        elif t in ("integer", "long"):
            if not isinstance(v, int) or isinstance(v, bool):
                self.bad(path, f"not an {t}", repr(v)[:80])
            else:
                self.constraints(path, shape, v)
        elif t in ("double", "float"):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                self.bad(path, f"not a {t}", repr(v)[:80])
            else:
                self.constraints(path, shape, v)
        elif t == "boolean":
            if not isinstance(v, bool):
                self.bad(path, "not a boolean", repr(v)[:80])
        elif t == "timestamp":
            self.timestamp(path, shape, v, ts_default)
        elif t == "blob":
            if not isinstance(v, str):
                self.bad(path, "not a base64 string", repr(v)[:80])
        else:
            self.bad(path, f"unexpected shape type {t}", "")

    def json_structure(self, path, shape, obj, ts_default, members=None):
        members = shape.members if members is None else members
        by_wire = {wire_name(n, m): (n, m) for n, m in members.items()}
        for k, v in obj.items():
            entry = by_wire.get(k)
            if entry is None:
                self.bad(f"{path}.{k}", "member not in the model", f"{shape.name} has {sorted(by_wire)}")
                continue
            self.json_value(f"{path}.{k}", entry[1], v, ts_default)
        for req in shape.required_members:
            if req in members and wire_name(req, members[req]) not in obj:
                self.bad(f"{path}.{req}", "required member missing", f"{shape.name} requires {req}")

    def json_body(self, resp):
        raw = resp["body"]
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError as e:
            self.bad("body", "not JSON", str(e))
            return None

    def rest_json(self, model, op, req, resp):
        status = resp["status"]
        if status >= 300:
            return self.json_error(model, op, resp, header_code=True)
        if op is None:
            self.bad("status", "success for a route the model lacks", str(status))
            return
        want = op.http.get("responseCode", 200)
        out = op.output_shape
        members = dict(out.members) if out is not None else {}
        status_member = [n for n, m in members.items() if m.serialization.get("location") == "statusCode"]
        if not status_member and status != want:
            self.bad("status", "HTTP status", f"expected {want}, got {status}")
        for n, m in list(members.items()):
            loc = m.serialization.get("location")
            if loc == "header":
                value = header(resp, m.serialization["name"])
                if value is None:
                    if n in out.required_members:
                        self.bad(f"header {m.serialization['name']}", "required member missing", n)
                else:
                    self.text_scalar(f"header {m.serialization['name']}", m, value, "rfc822")
                del members[n]
            elif loc in ("statusCode", "headers"):
                del members[n]
        payload = out.serialization.get("payload") if out is not None else None
        data = self.json_body(resp)
        if data is None:
            return
        if resp["body"].strip() and not (header(resp, "content-type") or "").startswith("application/json"):
            self.bad("Content-Type", "a JSON body not labelled application/json", repr(header(resp, "content-type")))
        if payload:
            self.json_value("body", out.members[payload], data, "unixTimestamp")
        elif not isinstance(data, dict):
            self.bad("body", "not an object", repr(data)[:80])
        elif out is not None:
            self.json_structure("body", out, data, "unixTimestamp", members)
        elif data:
            self.bad("body", "a body for an operation without output", repr(data)[:80])

    def aws_json(self, model, op, req, resp):
        ctype = header(resp, "content-type") or ""
        version = model.metadata.get("jsonVersion", "1.0")
        if ctype != f"application/x-amz-json-{version}":
            self.bad("Content-Type", "awsJson content type", f"expected application/x-amz-json-{version}, got {ctype!r}")
        if resp["status"] >= 300:
            return self.json_error(model, op, resp, header_code=False)
        if op is None:
            self.bad("status", "success for a target the model lacks", str(resp["status"]))
            return
        if resp["status"] != 200:
            self.bad("status", "HTTP status", f"expected 200, got {resp['status']}")
        data = self.json_body(resp)
        if data is None:
            return
        if not isinstance(data, dict):
            self.bad("body", "not an object", repr(data)[:80])
        elif op.output_shape is not None:
            self.json_structure("body", op.output_shape, data, "unixTimestamp")
        elif data:
            self.bad("body", "a body for an operation without output", repr(data)[:80])

    def json_error(self, model, op, resp, header_code):
        data = self.json_body(resp)
        if not isinstance(data, dict):
            self.bad("error body", "not a JSON object", repr(resp["body"][:200]))
            return
        code = None
        if header_code:
            code = (header(resp, "x-amzn-errortype") or "").split(":", 1)[0]
            if not code:
                self.bad("header x-amzn-ErrorType", "missing on an error", "")
        if "__type" in data:
            t = str(data["__type"]).split("#")[-1].split(":", 1)[0]
            if code and t != code:
                self.bad("error body.__type", "differs from x-amzn-ErrorType", f"{t} vs {code}")
            code = code or t
        if not code:
            self.bad("error body", "no error code (__type)", repr(data)[:200])
            return
        shape = self.error_status(model, op, code, resp["status"])
        members = {wire_name(n, m): m for n, m in shape.members.items()} if shape is not None else {}
        for k, v in data.items():
            if k == "__type":
                continue
            if k in members:
                self.json_value(f"error {code}.{k}", members[k], v, "unixTimestamp")
            elif k.lower() == "message" and not any(w.lower() == "message" for w in members):
                if not isinstance(v, str):
                    self.bad(f"error {code}.{k}", "not a string", repr(v)[:80])
            else:
                self.bad(f"error {code}.{k}", "member not in the model",
                         f"{code} has {sorted(members) or 'only a message'}")
        if not any(k.lower() == "message" and data[k] for k in data):
            self.bad(f"error {code}", "no message", repr(data)[:200])

    # --- Mapping an exchange to its operation ----------------------------------------------

    def route(self, ex):
        req = ex["request"]
        auth = header(req, "authorization") or ""
        m = re.search(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request", auth)
        target = header(req, "x-amz-target")
        split = urllib.parse.urlsplit(req["target"])
        form = {}
        ctype = header(req, "content-type") or ""
        if "x-www-form-urlencoded" in ctype:
            form = dict(urllib.parse.parse_qsl(req["body"], keep_blank_values=True))
        form.update(dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True)) if not target and "Action" in split.query else {})
        if m and m.group(1) in self.models:
            service = m.group(1)
        elif target:
            service = "logs"
        elif form.get("Version") == "2011-06-15":
            service = "sts"
        elif "Action" in form:
            service = "iam"
        else:
            service = "mediatailor"
        model = self.models[service]
        protocol = model.metadata["protocol"]
        name = None
        if protocol == "query":
            name = form.get("Action")
        elif protocol == "json":
            prefix = model.metadata["targetPrefix"] + "."
            if target and target.startswith(prefix):
                name = target[len(prefix):]
        else:
            name = rest_route(model, req["method"], split.path)
        op = model.operation_model(name) if name in model.operation_names else None
        return service, model, protocol, name, op


def rest_route(model, method, path):
    """The operation whose method and requestUri match (literal segments before `{label}` ones)."""
    segs = [urllib.parse.unquote(s) for s in path.strip("/").split("/")]
    best = None
    for name in model.operation_names:
        http = model.operation_model(name).http
        if http.get("method") != method:
            continue
        uri = http["requestUri"].split("?", 1)[0].strip("/").split("/")
        if uri[-1].endswith("+}"):
            ok = len(segs) >= len(uri)
        else:
            ok = len(segs) == len(uri)
        if not ok:
            continue
        literal = 0
        for u, s in zip(uri, segs):
            if u.startswith("{"):
                if not s:
                    ok = False
            elif u != s:
                ok = False
            else:
                literal += 1
        if ok and (best is None or literal > best[0]):
            best = (literal, name)
    return best[1] if best else None


def header(part, name):
    for k, v in part["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def decode(ex):
    for part in ("request", "response"):
        p = ex[part]
        raw = base64.b64decode(p["body"])
        p["body"] = raw.decode("utf-8", errors="replace")
    return ex


def check_exchange(checker, ex):
    service, model, protocol, name, op = checker.route(ex)
    checker.exchange = ex
    checker.where = f"{service} {name or '(unknown operation)'}"
    resp = ex["response"]
    if protocol == "query":
        checker.query(model, op, ex["request"], resp)
    elif protocol == "json":
        checker.aws_json(model, op, ex["request"], resp)
    else:
        checker.rest_json(model, op, ex["request"], resp)
    if not header(resp, "x-amzn-requestid") and protocol != "query":
        checker.bad("header x-amzn-RequestId", "missing", "")


def read_differences(path):
    """The documented differences: one key a line (a shell-style pattern), `#` comments."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                entries.append(line)
    return entries


def show(ex):
    req, resp = ex["request"], ex["response"]
    heads = {k: v for k, v in req["headers"] if k.lower() in ("x-amz-target", "content-type")}
    return (
        f"    request  #{ex['n']}: {req['method']} {req['target']} {heads} {req['body'][:600]!r}\n"
        f"    response: {resp['status']} {dict(resp['headers'])} {resp['body'][:1500]!r}"
    )


def main(differences_path, records):
    checker = Checker(load_models())
    n = 0
    seen_ops = set()
    for path in records:
        with open(path, encoding="utf-8") as f:
            for line in f:
                ex = decode(json.loads(line))
                check_exchange(checker, ex)
                seen_ops.add(checker.where)
                n += 1
    allowed = read_differences(differences_path)
    used = set()
    failures = []
    for key, detail, ex in checker.found:
        hit = [a for a in allowed if fnmatch.fnmatchcase(key, a)]
        if hit:
            used.update(hit)
        else:
            failures.append((key, detail, ex))
    stale = [a for a in allowed if not a.startswith("inputs ") and a not in used]
    if failures or stale:
        grouped = {}
        for key, detail, ex in failures:
            grouped.setdefault(key, []).append((detail, ex))
        for key, items in grouped.items():
            detail, ex = items[0]
            print(f"conformance: {key}: {detail} ({len(items)} answer(s))", file=sys.stderr)
            print(show(ex), file=sys.stderr)
        for a in stale:
            print(f"conformance: {differences_path} lists {a!r}, which no answer shows any more: remove it",
                  file=sys.stderr)
        print(f"conformance FAILED: {len(grouped)} rule(s) broken in {n} answers, {len(stale)} stale difference(s)",
              file=sys.stderr)
        return 1
    if n == 0:
        print("conformance FAILED: no exchange was recorded", file=sys.stderr)
        return 1
    print(f"conformance: {n} answers of {len(seen_ops)} operations match AWS's models"
          f" ({len(used)} documented difference(s))")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: check.py DIFFERENCES_TXT RECORD_JSONL...")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
