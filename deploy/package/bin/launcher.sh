#!/bin/sh
# ${project.artifactId} ${project.version}: runs the service from this package until SIGTERM or
# Ctrl-C (exit 0 after a graceful stop); exit 1 = could not start, 2 = bad configuration.
#
#   bin/${project.artifactId} --config config/${project.artifactId}.properties
#   bin/${project.artifactId} --help | --version | --print-config
#
# Environment:
#   POSRELAY_JAVA_OPTS  JVM options, e.g. "-Xms1g -Xmx1g" (none by default: the JVM sizes its heap
#                       from the memory it sees, a container's limit included)
#   JAVA_HOME           the Java 17+ runtime to use; without it, java on the PATH
#   POSRELAY_*          configuration keys (docs/configuration.md), e.g.
#                       POSRELAY_KAFKA_BOOTSTRAP_SERVERS; flag > environment > file > default
set -eu

# The package's directory, also when this script is reached through a symbolic link.
self=$(readlink -f "$0" 2>/dev/null || printf '%s' "$0")
home=$(cd "$(dirname "$self")/.." && pwd -P)

java=java
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi

# exec: the JVM takes this process's place, so a SIGTERM from an orchestrator reaches it and the
# service drains. ExitOnOutOfMemoryError: a JVM out of memory exits (and is restarted) rather
# than going on half-broken. POSRELAY_JAVA_OPTS is a list of options, hence unquoted.
# shellcheck disable=SC2086
exec "$java" -XX:+ExitOnOutOfMemoryError ${POSRELAY_JAVA_OPTS:-} \
  -Dlogback.configurationFile="$home/config/logback.xml" \
  -cp "$home/lib/*" \
  ${posrelay.main-class} "$@"
