#!/usr/bin/env bash
# The whole cardstream pipeline on this machine, in one command: a real Kafka broker and HBase, the schema and
# dimensions, the Spark Streaming job in local mode, the storm producer and the live dashboard at
# http://127.0.0.1:8080. Ctrl-C stops everything. Options: ./demo.sh --help
#
# A thin wrapper of `bin/cardstream demo` that gives the demo JVM (job, producer, dashboard) a 2 GB heap unless
# CARDSTREAM_OPTS says otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CARDSTREAM_OPTS="${CARDSTREAM_OPTS:--Xmx2g}"
exec "$ROOT/bin/cardstream" demo "$@"
