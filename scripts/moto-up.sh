#!/usr/bin/env bash
# Starts a local AWS emulator (moto) on 127.0.0.1:PORT with signature checking on, creates an IAM
# user with an allow-all policy and an access key, and prints `export` lines for that key and the
# endpoint. Usage: eval "$(scripts/moto-up.sh PORT)"   Stop it with: scripts/moto-down.sh PORT
# EKS goes to a second server on PORT+1 with checking off: moto rejects EKS GET and DELETE
# requests as SignatureDoesNotMatch even when they are signed correctly (see moto-notes).
set -euo pipefail
port="${1:-4599}"
log="${TMPDIR:-/tmp}/infra-moto-$port.log"
command -v moto_server >/dev/null || { echo "moto_server not found: pip install 'moto[server]'" >&2; exit 1; }

if ! curl -sf "http://127.0.0.1:$port/moto-api/" -o /dev/null; then
  # The first 3 requests are free; every later one is verified with SigV4 and IAM policies.
  INITIAL_NO_AUTH_ACTION_COUNT=3 MOTO_IAM_LOAD_MANAGED_POLICIES=true \
    nohup moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  echo $! >"${TMPDIR:-/tmp}/infra-moto-$port.pid"
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/moto-api/" -o /dev/null && break
    sleep 0.1
  done
fi

eks_port=$((port + 1))
if ! curl -sf "http://127.0.0.1:$eks_port/moto-api/" -o /dev/null; then
  nohup moto_server -H 127.0.0.1 -p "$eks_port" >"${TMPDIR:-/tmp}/infra-moto-$eks_port.log" 2>&1 &
  echo $! >"${TMPDIR:-/tmp}/infra-moto-$eks_port.pid"
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$eks_port/moto-api/" -o /dev/null && break
    sleep 0.1
  done
fi
curl -sf -X POST "http://127.0.0.1:$eks_port/moto-api/reset" -o /dev/null

# Start from a clean emulator whose next 3 requests are free (they create the demo user).
curl -sf -X POST "http://127.0.0.1:$port/moto-api/reset" -o /dev/null
curl -sf -X POST -H 'Content-Type: text/plain' --data 3 "http://127.0.0.1:$port/moto-api/reset-auth" -o /dev/null

python3 - "$port" <<'PY'
import json, sys, boto3
port = sys.argv[1]
iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="infra-demo")
iam.put_user_policy(UserName="infra-demo", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="infra-demo")["AccessKey"]
print(f"export AWS_ACCESS_KEY_ID={key['AccessKeyId']}")
print(f"export AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
print(f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}")
print(f"export AWS_ENDPOINT_URL_EKS=http://127.0.0.1:{int(port) + 1}")
print("export AWS_REGION=us-east-1")
# Tells infra it talks to moto, so moto's documented quirks (ElastiCache objects `deleting`
# forever, no DeleteCacheSubnetGroup) are tolerated; see EmulatorQuirks.
print("export INFRA_EMULATOR=moto")
PY
