#!/usr/bin/env bash
# The Prometheus checks `mvn -B verify` runs after integration-tests' tests (its exec-maven-plugin
# execution promtool-checks; -Dpromtool.skip leaves them out):
#   1. promtool check rules  deploy/prometheus/alerts.yml           (the rules parse and are sound)
#   2. promtool test rules   deploy/prometheus/alerts.test.yml      (each rule fires when it should)
#   3. promtool check rules  on the dashboard's queries             (each panel's PromQL parses)
#   4. promtool check metrics on every service's /metrics, scraped by integration-tests'
#      MetricsScrapeTest after its traffic (integration-tests/target/metrics/*.prom).
# Any failure fails the script. promtool comes from Debian's prometheus package, installed here
# when missing (as root; the package's server is not started).
#
# `promtool check metrics` exits 1 for a scrape that is not valid exposition format, 3 for lint
# problems. Lint problems in posrelay's own meters fail; those in names other libraries choose are
# listed below and tolerated: Kafka's client and Streams metrics (kafka_*: "_ns", "_ms",
# "connection_count"), and Micrometer's processor and Netty binders.
#
# Usage: deploy/prometheus/promtool-checks.sh [SCRAPE_DIR]   (default integration-tests/target/metrics)
set -euo pipefail
cd "$(dirname "$0")/../.."
scrapes="${1:-integration-tests/target/metrics}"

THIRD_PARTY_LINT='^(kafka_[a-z0-9_]+ |netty_eventexecutor_[a-z_]+ no help text$|process_cpu_time_ns_total metric names should not contain abbreviated units$|system_cpu_count non-histogram and non-summary metrics should not have "_count" suffix$)'

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "promtool not found: install Debian's prometheus package (apt-get install prometheus, as root)" >&2
    exit 1
  fi
  echo "installing promtool (Debian package prometheus)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
promtool --version 2>&1 | sed -n 1p

promtool check rules deploy/prometheus/alerts.yml
promtool test rules deploy/prometheus/alerts.test.yml

if [ ! -f "$scrapes/dashboard-queries.rules.json" ]; then
  echo "$scrapes/dashboard-queries.rules.json missing: run integration-tests' MetricsScrapeTest first" >&2
  exit 1
fi
promtool check rules "$scrapes/dashboard-queries.rules.json"

shopt -s nullglob
files=("$scrapes"/*.prom)
if [ "${#files[@]}" -lt 4 ]; then
  echo "expected a scrape of every service in $scrapes (ilk-ingest, two relay nodes, admin-api), found ${#files[@]}" >&2
  exit 1
fi
failed=0
for f in "${files[@]}"; do
  set +e
  out=$(promtool check metrics < "$f" 2>&1)
  rc=$?
  set -e
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    echo "FAILED $f: not valid Prometheus exposition (promtool exit $rc):" >&2
    printf '%s\n' "$out" >&2
    failed=1
    continue
  fi
  ours=$(printf '%s\n' "$out" | grep -v -E "$THIRD_PARTY_LINT" | grep -v '^$' || true)
  tolerated=$(printf '%s\n' "$out" | grep -c -E "$THIRD_PARTY_LINT" || true)
  if [ -n "$ours" ]; then
    echo "FAILED $f: lint problems in posrelay's own metrics:" >&2
    printf '%s\n' "$ours" >&2
    failed=1
  else
    echo "OK $f: $(grep -c -v '^#' "$f") samples; $tolerated tolerated lint line(s) in third-party names"
  fi
done
exit "$failed"
