#!/usr/bin/env bash
# `npm run synth` (cdk-nag on) as three deployers would run it: without credentials (the CDK
# CLI then passes no account and its default region, us-east-1) and with a concrete account in
# two regions, as the CLI passes them when it has credentials. Each run synthesizes the
# us-east-1 edge stack too. Offline: cdk.json holds the context, no lookup is made.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build:web >/dev/null
for env in "" "123456789012/ap-southeast-1" "123456789012/eu-west-1"; do
  if [ -z "$env" ]; then
    echo "== synth: no environment"
    env -u CDK_DEFAULT_ACCOUNT -u CDK_DEFAULT_REGION -u AWS_REGION -u AWS_DEFAULT_REGION \
      npm run --silent synth --ignore-scripts
  else
    echo "== synth: account ${env%/*}, region ${env#*/}"
    CDK_DEFAULT_ACCOUNT="${env%/*}" CDK_DEFAULT_REGION="${env#*/}" AWS_REGION="${env#*/}" \
      npm run --silent synth --ignore-scripts
  fi
done
