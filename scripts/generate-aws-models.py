#!/usr/bin/env python3
"""Generate the Swift service models of InfraAWS from botocore's service definitions.

Reads `service-2.json(.gz)` and `paginators-1.json` of the newest API version of each service in
botocore's `data/` folder and writes `Sources/InfraAWS/Models/Generated/<Service>+Model.swift`:
the service metadata, only the operations infra needs (OPERATIONS below), the closure of their
shapes without documentation, and typed operation-name constants.

The output is plain builder statements (one per shape), never one large literal, so that the
Swift type checker handles it quickly.

Usage: python3 scripts/generate-aws-models.py [--data DIR] [--out DIR]
"""

import argparse
import gzip
import json
import os
import re
import sys

# The operations infra calls, per botocore service name. Keep sorted by resource.
OPERATIONS = {
    "ec2": [
        "CreateVpc", "DescribeVpcs", "DeleteVpc", "ModifyVpcAttribute", "DescribeVpcAttribute",
        "CreateSubnet", "DescribeSubnets", "DeleteSubnet", "ModifySubnetAttribute",
        "CreateInternetGateway", "DescribeInternetGateways", "DeleteInternetGateway",
        "AttachInternetGateway", "DetachInternetGateway",
        "AllocateAddress", "ReleaseAddress", "DescribeAddresses",
        "CreateNatGateway", "DescribeNatGateways", "DeleteNatGateway",
        "CreateRouteTable", "DescribeRouteTables", "DeleteRouteTable",
        "CreateRoute", "ReplaceRoute", "DeleteRoute",
        "AssociateRouteTable", "DisassociateRouteTable", "ReplaceRouteTableAssociation",
        "CreateSecurityGroup", "DescribeSecurityGroups", "DeleteSecurityGroup",
        "DescribeSecurityGroupRules", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules",
        "CreateTags", "DeleteTags", "DescribeTags",
        "DescribeAvailabilityZones",
    ],
    "iam": [
        "CreateRole", "GetRole", "ListRoles", "UpdateRole", "UpdateAssumeRolePolicy", "DeleteRole",
        "PutRolePolicy", "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy",
        "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
        "TagRole", "UntagRole", "ListRoleTags",
        # IAM's only batch read: every role with its tags, inline and attached policies.
        "GetAccountAuthorizationDetails",
        # The test harness creates a user with an access key.
        "CreateUser", "GetUser", "DeleteUser", "PutUserPolicy", "CreateAccessKey", "DeleteAccessKey",
    ],
    "sts": ["GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"],
    "rds": [
        "CreateDBSubnetGroup", "DescribeDBSubnetGroups", "ModifyDBSubnetGroup", "DeleteDBSubnetGroup",
        "CreateDBParameterGroup", "DescribeDBParameterGroups", "ModifyDBParameterGroup",
        "DescribeDBParameters", "ResetDBParameterGroup", "DeleteDBParameterGroup",
        "CreateDBInstance", "DescribeDBInstances", "ModifyDBInstance", "DeleteDBInstance",
        "AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource",
    ],
    "elasticache": [
        "CreateCacheSubnetGroup", "DescribeCacheSubnetGroups", "ModifyCacheSubnetGroup",
        "DeleteCacheSubnetGroup",
        "CreateReplicationGroup", "DescribeReplicationGroups", "ModifyReplicationGroup",
        "DeleteReplicationGroup",
        "CreateCacheCluster", "DescribeCacheClusters", "ModifyCacheCluster", "DeleteCacheCluster",
        "AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource",
    ],
    "dynamodb": [
        "CreateTable", "DescribeTable", "DeleteTable", "UpdateTable",
        "PutItem", "GetItem", "DeleteItem", "UpdateItem", "Query", "Scan",
    ],
    "secretsmanager": [
        "CreateSecret", "DescribeSecret", "ListSecrets", "BatchGetSecretValue", "GetRandomPassword",
        "PutSecretValue", "UpdateSecret", "DeleteSecret", "RestoreSecret", "TagResource",
        "UntagResource", "ListSecretVersionIds", "UpdateSecretVersionStage", "GetSecretValue",
    ],
    "ecs": [
        "CreateCluster", "DescribeClusters", "ListClusters", "UpdateCluster", "DeleteCluster",
        "RegisterTaskDefinition", "DeregisterTaskDefinition", "DescribeTaskDefinition",
        "ListTaskDefinitions",
        "CreateService", "DescribeServices", "ListServices", "UpdateService", "DeleteService",
        "TagResource", "UntagResource", "ListTagsForResource",
    ],
    "eks": [
        "CreateCluster", "DescribeCluster", "ListClusters", "DeleteCluster",
        "UpdateClusterConfig", "UpdateClusterVersion",
        "CreateNodegroup", "DescribeNodegroup", "ListNodegroups", "DeleteNodegroup",
        "UpdateNodegroupConfig", "UpdateNodegroupVersion", "DescribeUpdate",
        "TagResource", "UntagResource", "ListTagsForResource",
    ],
    "s3": [
        "CreateBucket", "HeadBucket", "DeleteBucket",
        "PutObject", "GetObject", "HeadObject", "DeleteObject",
        "ListObjectsV2", "ListObjectVersions",
        "PutBucketVersioning", "GetBucketVersioning",
        "PutBucketEncryption", "GetBucketEncryption",
        "PutPublicAccessBlock", "GetPublicAccessBlock",
        "PutBucketTagging", "GetBucketTagging",
    ],
}

# Swift names of the services: the `ServiceModel` static property and the constants namespace.
SWIFT_NAMES = {
    "ec2": ("ec2", "EC2"), "iam": ("iam", "IAM"), "sts": ("sts", "STS"), "rds": ("rds", "RDS"),
    "elasticache": ("elastiCache", "ElastiCache"), "dynamodb": ("dynamoDB", "DynamoDB"),
    "secretsmanager": ("secretsManager", "SecretsManager"), "ecs": ("ecs", "ECS"),
    "eks": ("eks", "EKS"), "s3": ("s3", "S3"),
}

# Shapes per generated function: keeps each function small for the compiler.
CHUNK = 150

SCALARS = {"string", "integer", "long", "boolean", "double", "float", "timestamp", "blob"}


def load_json(path):
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def latest_version_dir(data, service):
    root = os.path.join(data, service)
    versions = sorted(
        v for v in os.listdir(root)
        if os.path.exists(os.path.join(root, v, "service-2.json"))
        or os.path.exists(os.path.join(root, v, "service-2.json.gz"))
    )
    if not versions:
        sys.exit(f"error: no service-2.json for {service} under {root}")
    return os.path.join(root, versions[-1])


def swift_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lower_camel(name):
    # DescribeVpcs -> describeVpcs, DBInstance -> dbInstance, CreateDBSubnetGroup -> createDBSubnetGroup
    m = re.match(r"^([A-Z]+)(?=[A-Z][a-z]|$)", name)
    if m and len(m.group(1)) > 1:
        head = m.group(1)
        return head.lower() + name[len(head):]
    return name[0].lower() + name[1:]


def member_args(ref):
    """The optional labelled arguments of a `MemberModel` for a member reference."""
    args = []
    loc = ref.get("location")
    if loc:
        args.append("location: ." + {"header": "header", "headers": "headers", "uri": "uri",
                                      "querystring": "querystring", "statusCode": "statusCode"}[loc])
    if "locationName" in ref:
        args.append("locationName: " + swift_string(ref["locationName"]))
    if "queryName" in ref:
        args.append("queryName: " + swift_string(ref["queryName"]))
    if ref.get("flattened"):
        args.append("flattened: true")
    ns = ref.get("xmlNamespace")
    if ns:
        args.append("xmlNamespace: " + swift_string(ns["uri"] if isinstance(ns, dict) else ns))
    if ref.get("xmlAttribute"):
        args.append("xmlAttribute: true")
    if "timestampFormat" in ref:
        args.append("timestampFormat: " + swift_string(ref["timestampFormat"]))
    if ref.get("idempotencyToken"):
        args.append("idempotencyToken: true")
    if ref.get("hostLabel"):
        args.append("hostLabel: true")
    if ref.get("jsonvalue"):
        args.append("jsonValue: true")
    return args


def member_expr(name, ref):
    args = [swift_string(name), swift_string(ref["shape"])] + member_args(ref)
    return "MemberModel(" + ", ".join(args) + ")"


def shape_statement(name, shape):
    kind = shape["type"]
    extra = []
    if shape.get("flattened"):
        extra.append("flattened: true")
    if "timestampFormat" in shape:
        extra.append("timestampFormat: " + swift_string(shape["timestampFormat"]))
    ns = shape.get("xmlNamespace")
    if ns:
        extra.append("xmlNamespace: " + swift_string(ns["uri"] if isinstance(ns, dict) else ns))
    if "locationName" in shape:
        extra.append("locationName: " + swift_string(shape["locationName"]))
    tail = "".join(", " + e for e in extra)
    if kind == "structure":
        members = shape.get("members", {})
        lines = [f"    b.structure({swift_string(name)}"]
        payload = shape.get("payload")
        if payload:
            lines[0] += f", payload: {swift_string(payload)}"
        if shape.get("document"):
            lines[0] += ", document: true"
        if not members:
            return lines[0] + tail + ", members: [])"
        lines[0] += tail + ", members: ["
        for mname, ref in members.items():
            lines.append("        " + member_expr(mname, ref) + ",")
        lines.append("    ])")
        return "\n".join(lines)
    if kind == "list":
        return f"    b.list({swift_string(name)}, member: {member_expr('member', shape['member'])}{tail})"
    if kind == "map":
        return (f"    b.map({swift_string(name)}, key: {member_expr('key', shape['key'])}, "
                f"value: {member_expr('value', shape['value'])}{tail})")
    if kind in SCALARS:
        return f"    b.scalar({swift_string(name)}, .{kind}{tail})"
    sys.exit(f"error: unsupported shape type {kind} for {name}")


def closure(shapes, roots):
    seen = []
    seen_set = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen_set:
            continue
        seen_set.add(name)
        seen.append(name)
        shape = shapes[name]
        refs = []
        refs.extend(shape.get("members", {}).values())
        for key in ("member", "key", "value"):
            if key in shape:
                refs.append(shape[key])
        for ref in refs:
            if ref["shape"] not in seen_set:
                stack.append(ref["shape"])
    return sorted(seen)


def token_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def swift_string_array(values):
    return "[" + ", ".join(swift_string(v) for v in values) + "]"


def generate(data, service, out_dir, botocore_version):
    vdir = latest_version_dir(data, service)
    model = load_json(os.path.join(vdir, "service-2.json"))
    pag_path = os.path.join(vdir, "paginators-1.json")
    paginators = load_json(pag_path).get("pagination", {}) if os.path.exists(pag_path) else {}
    meta = model["metadata"]
    prop, namespace = SWIFT_NAMES[service]

    wanted = OPERATIONS[service]
    missing = [op for op in wanted if op not in model["operations"]]
    if missing:
        sys.exit(f"error: {service} has no operations {missing}")

    roots = []
    for op in wanted:
        o = model["operations"][op]
        for k in ("input", "output"):
            if k in o:
                roots.append(o[k]["shape"])
    shape_names = closure(model["shapes"], roots)

    protocol = meta["protocol"]
    swift_protocol = {"ec2": ".ec2", "query": ".query", "json": ".json", "rest-json": ".restJSON",
                      "rest-xml": ".restXML"}[protocol]
    signing_name = meta.get("signingName") or meta["endpointPrefix"]

    out = []
    out.append(f"// Generated by scripts/generate-aws-models.py from botocore {botocore_version}")
    out.append(f"// ({service} {meta['apiVersion']}). Do not edit: change the script and run it again.")
    out.append("")
    out.append("extension ServiceModel {")
    out.append(f"    /// {meta.get('serviceFullName', service)}: the operations infra uses.")
    out.append(f"    public static let {prop}: ServiceModel = make{namespace}Model()")
    out.append("}")
    out.append("")
    out.append(f"/// Operation names of {meta.get('serviceFullName', service)}, checked by the compiler.")
    out.append(f"public enum {namespace} {{")
    out.append("    public enum Operation {")
    for op in wanted:
        out.append(f"        public static let {lower_camel(op)} = {swift_string(op)}")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"private func make{namespace}Model() -> ServiceModel {{")
    meta_args = [
        f"name: {swift_string(service)}",
        f"serviceID: {swift_string(meta['serviceId'])}",
        f"protocol: {swift_protocol}",
        f"apiVersion: {swift_string(meta['apiVersion'])}",
        f"signingName: {swift_string(signing_name)}",
        f"endpointPrefix: {swift_string(meta['endpointPrefix'])}",
    ]
    if meta.get("targetPrefix"):
        meta_args.append(f"targetPrefix: {swift_string(meta['targetPrefix'])}")
    if meta.get("jsonVersion"):
        meta_args.append(f"jsonVersion: {swift_string(meta['jsonVersion'])}")
    if meta.get("xmlNamespace"):
        meta_args.append(f"xmlNamespace: {swift_string(meta['xmlNamespace'])}")
    if meta.get("globalEndpoint"):
        meta_args.append(f"globalEndpoint: {swift_string(meta['globalEndpoint'])}")
    out.append("    var b = ServiceModelBuilder(ServiceMetadata(")
    out.append("        " + ",\n        ".join(meta_args) + "))")
    for op in wanted:
        o = model["operations"][op]
        http = o.get("http", {})
        args = [swift_string(op), swift_string(http.get("method", "POST")),
                swift_string(http.get("requestUri", "/"))]
        if "input" in o:
            args.append("input: " + swift_string(o["input"]["shape"]))
        if "output" in o:
            args.append("output: " + swift_string(o["output"]["shape"]))
            if "resultWrapper" in o["output"]:
                args.append("resultWrapper: " + swift_string(o["output"]["resultWrapper"]))
        checksum = o.get("httpChecksumRequired") or o.get("httpChecksum", {}).get("requestChecksumRequired")
        if checksum:
            args.append("checksumRequired: true")
        if o.get("authtype") == "none" or o.get("auth") == ["smithy.api#noAuth"]:
            args.append("unsigned: true")
        pag = paginators.get(op)
        if pag:
            pargs = [
                "inputTokens: " + swift_string_array(token_list(pag.get("input_token"))),
                "outputTokens: " + swift_string_array(token_list(pag.get("output_token"))),
                "resultKeys: " + swift_string_array(token_list(pag.get("result_key"))),
            ]
            if pag.get("limit_key"):
                pargs.append("limitKey: " + swift_string(pag["limit_key"]))
            if pag.get("more_results"):
                pargs.append("moreResults: " + swift_string(pag["more_results"]))
            args.append("paginator: PaginatorModel(" + ", ".join(pargs) + ")")
        out.append("    b.operation(" + ", ".join(args) + ")")
    chunks = [shape_names[i:i + CHUNK] for i in range(0, len(shape_names), CHUNK)]
    for i in range(len(chunks)):
        out.append(f"    add{namespace}Shapes{i}(&b)")
    out.append("    return b.build()")
    out.append("}")
    for i, chunk in enumerate(chunks):
        out.append("")
        out.append(f"private func add{namespace}Shapes{i}(_ b: inout ServiceModelBuilder) {{")
        for name in chunk:
            out.append(shape_statement(name, model["shapes"][name]))
        out.append("}")
    out.append("")

    path = os.path.join(out_dir, f"{namespace}+Model.swift")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{service}: {len(wanted)} operations, {len(shape_names)} shapes -> {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="botocore's data folder (default: the installed botocore's)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      "Sources", "InfraAWS", "Models", "Generated"))
    parser.add_argument("services", nargs="*", default=list(OPERATIONS))
    args = parser.parse_args()
    version = "unknown"
    data = args.data
    if data is None:
        try:
            import botocore
        except ImportError:
            sys.exit("error: botocore is not installed: pip install botocore (or pass --data)")
        data = os.path.join(os.path.dirname(botocore.__file__), "data")
        version = botocore.__version__
    os.makedirs(args.out, exist_ok=True)
    for service in args.services:
        if service not in OPERATIONS:
            sys.exit(f"error: unknown service {service}; known: {', '.join(OPERATIONS)}")
        generate(data, service, os.path.normpath(args.out), version)


if __name__ == "__main__":
    main()
