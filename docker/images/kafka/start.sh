#!/usr/bin/env bash
# Writes server.properties from the KAFKA_* variables, formats the log directory once, and runs the broker.
set -euo pipefail
CONFIG=/opt/kafka/server.properties
: > "$CONFIG"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_CLUSTER_ID|KAFKA_VERSION) ;;
    KAFKA_*) key=${name#KAFKA_}; key=${key,,}; echo "${key//_/.}=$value" >> "$CONFIG" ;;
  esac
done < <(env)
grep -q '^log.dirs=' "$CONFIG" || echo "log.dirs=/data/kafka" >> "$CONFIG"
JAVA=(java ${KAFKA_HEAP_OPTS:--Xmx1g} -Dlog4j.configuration=file:/opt/kafka/log4j.properties -cp '/opt/kafka/libs/*')
# the same id at every start: the volume keeps the log directory, and a broker refuses a directory of another cluster
"${JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted -t "${KAFKA_CLUSTER_ID:-${CLUSTER_ID:-Y2FyZHN0cmVhbS1sb2NhbA}}" -c "$CONFIG"
exec "${JAVA[@]}" kafka.Kafka "$CONFIG"
