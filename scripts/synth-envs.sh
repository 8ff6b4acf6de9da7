#!/usr/bin/env bash
# `npm run synth` (cdk-nag on) as deployers would run it: without credentials (the CDK CLI then
# passes no account and its default region, us-east-1), with a concrete account in two regions,
# as the CLI passes them when it has credentials, and with a custom domain (its Route 53 hosted
# zone given by id and name, never looked up), and with a second regime beside the main one
# (regimeFiles, seeded at REGIME/R#{id}). Each run synthesizes the us-east-1 edge stack too.
# Offline: cdk.json holds the context, no lookup is made.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build:web >/dev/null
DOMAIN='{"name":"baocao.snv.kontum.gov.vn","hostedZoneId":"Z0123456789ABCDEFGHIJ","hostedZoneName":"snv.kontum.gov.vn"}'
for env in "" "123456789012/ap-southeast-1" "123456789012/eu-west-1" "123456789012/ap-southeast-1/domain" "123456789012/ap-southeast-1/regimes"; do
  if [ -z "$env" ]; then
    echo "== synth: no environment"
    env -u CDK_DEFAULT_ACCOUNT -u CDK_DEFAULT_REGION -u AWS_REGION -u AWS_DEFAULT_REGION \
      npm run --silent synth --ignore-scripts
    continue
  fi
  IFS=/ read -r account region variant <<<"$env"
  args=()
  if [ "$variant" = regimes ]; then
    echo "== synth: account $account, region $region, a second regime (regimeFiles)"
    args=(-- -c "regimeFiles=examples/regime-kontum-quarterly.json")
  elif [ "$variant" = domain ]; then
    echo "== synth: account $account, region $region, custom domain with its hosted zone"
    args=(-- -c "domain=$DOMAIN")
  else
    echo "== synth: account $account, region $region"
  fi
  CDK_DEFAULT_ACCOUNT="$account" CDK_DEFAULT_REGION="$region" AWS_REGION="$region" \
    npm run --silent synth --ignore-scripts "${args[@]}"
done
