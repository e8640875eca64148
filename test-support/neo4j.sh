#!/usr/bin/env bash
# Start/stop a real Neo4j 5.26 community DBMS (Bolt on 127.0.0.1) for dualalign tests/CI.
#
#   test-support/neo4j.sh build    # compile launcher + write classpath (offline after 1st run)
#   test-support/neo4j.sh start    # fresh data dir, start in background, wait until a real
#                                  # Bolt query works; prints the bolt URI on stdout
#   test-support/neo4j.sh stop     # SIGTERM the PID from the PID file (SIGKILL after timeout)
#   test-support/neo4j.sh status   # exit 0 + "running ..." if up, exit 3 if not
#
# Environment (all optional):
#   NEO4J_RUN_DIR        run dir: PID file, log, data   (default test-support/neo4j-launcher/run)
#   NEO4J_BOLT_PORT      Bolt port on 127.0.0.1          (default 7687)
#   NEO4J_PASSWORD       password of user "neo4j"        (default dualalign-test)
#   NEO4J_HEAP           JVM max heap                    (default 1g)
#   NEO4J_PAGECACHE      Neo4j page cache size           (default 128m)
#   NEO4J_START_TIMEOUT  seconds to wait in "start"      (default 120)
#   NEO4J_STOP_TIMEOUT   seconds before SIGKILL in "stop"(default 60)
#   NEO4J_PYTHON         python with the `neo4j` driver used for the readiness query
#                        (default: <repo>/.venv/bin/python, else python3, if they import neo4j)
#   NEO4J_JAVA_OPTS      extra JVM options (appended, so they override the defaults)
#   JAVA_HOME / MVN      java and maven to use
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
LAUNCHER_DIR="$SCRIPT_DIR/neo4j-launcher"
MAIN_CLASS="org.dualalign.testsupport.Launcher"

RUN_DIR="${NEO4J_RUN_DIR:-$LAUNCHER_DIR/run}"
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$PWD/$RUN_DIR"   # absolute: it is matched against cmdline
HOST="127.0.0.1"
PORT="${NEO4J_BOLT_PORT:-7687}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-dualalign-test}"
HEAP="${NEO4J_HEAP:-1g}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
MVN="${MVN:-mvn}"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

PID_FILE="$RUN_DIR/neo4j.pid"
READY_FILE="$RUN_DIR/bolt-uri"
LOG_FILE="$RUN_DIR/neo4j.log"
HOME_DIR="$RUN_DIR/home"
CP_FILE="$LAUNCHER_DIR/target/cp.txt"
CLASS_FILE="$LAUNCHER_DIR/target/classes/org/dualalign/testsupport/Launcher.class"

log() { echo "neo4j.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- helpers ---------------------------------------------------------------------------

built() {
    [[ -s "$CP_FILE" && -f "$CLASS_FILE" ]] || return 1
    # Rebuild when the pom or any source is newer than the build output.
    [[ -z "$(find "$LAUNCHER_DIR/pom.xml" "$LAUNCHER_DIR/src" -newer "$CP_FILE" -type f 2>/dev/null)" ]] || return 1
    # cp.txt holds absolute paths into ~/.m2; make sure they still exist.
    local first; first="$(cut -d: -f1 "$CP_FILE")"
    [[ -f "$first" ]]
}

cmd_build() {
    command -v "$MVN" >/dev/null || die "maven ('$MVN') not found"
    local t0=$SECONDS
    # Offline first (fast, no network once ~/.m2 is warm); fall back to online resolution.
    # Maven output goes to stderr so `uri=$(neo4j.sh start)` stays clean.
    local opts=(-q -B -Dstyle.color=never)
    if ! (cd "$LAUNCHER_DIR" && "$MVN" "${opts[@]}" -o package >/dev/null 2>&1); then
        (cd "$LAUNCHER_DIR" && "$MVN" "${opts[@]}" package >&2) || die "maven build failed"
    fi
    touch "$CP_FILE" 2>/dev/null || true
    built || die "build finished but $CP_FILE / Launcher.class missing"
    log "built launcher in $((SECONDS - t0))s"
}

# Prints the PID from the PID file if that process is alive, is our launcher and is not a
# zombie; returns 1 otherwise.
live_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid; pid="$(tr -dc '0-9' < "$PID_FILE")"
    [[ -n "$pid" ]] || return 1
    is_our_process "$pid" || return 1
    echo "$pid"
}

# is_our_process PID [loose]: alive, not a zombie and (unless "loose") its cmdline is our
# launcher with our home dir. "loose" is for the start-up window, where the PID is our own
# child but may still be the forked shell / nohup before exec'ing java.
is_our_process() {
    local pid="$1" mode="${2:-strict}" state=""
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/status" ]]; then
        # A zombie (exited, not reaped yet - e.g. under a PID 1 that doesn't reap) counts as
        # gone, but only once all threads are gone: a JVM whose main thread has exited while
        # the shutdown hook still runs shows state Z with Threads > 1.
        local threads
        state="$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)"
        threads="$(awk '/^Threads:/{print $2}' "/proc/$pid/status" 2>/dev/null)"
        if [[ "$state" == Z && "${threads:-1}" -le 1 ]]; then return 1; fi
    fi
    if [[ "$mode" == strict && -r "/proc/$pid/cmdline" ]]; then
        # Guard against PID reuse: must be our launcher with our home dir.
        # (A JVM whose main thread already exited has an empty cmdline while state is Z.)
        local cmd; cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
        if [[ -z "$cmd" && "${state:-}" == Z ]]; then return 0; fi
        [[ "$cmd" == *"$MAIN_CLASS"* && "$cmd" == *"$HOME_DIR"* ]] || return 1
    fi
    return 0
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

find_python() {
    local c
    for c in "${NEO4J_PYTHON:-}" "$REPO_ROOT/.venv/bin/python" python3; do
        [[ -n "$c" ]] || continue
        if "$c" -c 'import neo4j' >/dev/null 2>&1; then echo "$c"; return 0; fi
    done
    return 1
}

# A real query over Bolt with the real credentials.
driver_probe() {
    "$1" - "bolt://$HOST:$PORT" <<'PY' >/dev/null 2>&1
import os, sys
from neo4j import GraphDatabase
with GraphDatabase.driver(sys.argv[1], auth=("neo4j", os.environ["NEO4J_PASSWORD"]),
                          connection_timeout=5) as d:
    recs, _, _ = d.execute_query("RETURN 1 AS ok")
    assert recs[0]["ok"] == 1
PY
}

# Fallback when no python driver is available: Bolt handshake (magic + version 5.x range).
bolt_handshake() {
    local reply
    reply="$(exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
             printf '\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00' >&3
             timeout 5 head -c 4 <&3 | od -An -tx1 | tr -d ' \n')" 2>/dev/null || return 1
    [[ -n "$reply" && "$reply" != "00000000" ]]
}

# --- commands --------------------------------------------------------------------------

cmd_start() {
    local pid
    if pid="$(live_pid)"; then
        die "already running (pid $pid, $(cat "$READY_FILE" 2>/dev/null || echo starting)); run '$0 stop' first"
    fi
    rm -f "$PID_FILE" "$READY_FILE"
    if port_open; then
        die "port $HOST:$PORT is already in use by another process (set NEO4J_BOLT_PORT)"
    fi
    built || cmd_build
    command -v "$JAVA" >/dev/null || die "java not found"

    mkdir -p "$RUN_DIR"
    rm -rf "$HOME_DIR"            # fresh database for every start
    : > "$LOG_FILE"

    local py=""
    py="$(find_python)" || log "warning: no python with the 'neo4j' driver found;" \
        "readiness = launcher ready file + Bolt handshake only (set NEO4J_PYTHON)"

    local t0=$SECONDS
    # -XX:TieredStopAtLevel=1 (C1 JIT only) cuts start-up from ~23s to ~16s on 2 cores; test
    # workloads are tiny. Override with NEO4J_JAVA_OPTS=-XX:TieredStopAtLevel=4 (later wins).
    # shellcheck disable=SC2086
    nohup "$JAVA" \
        -Xms256m -Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
        -XX:-OmitStackTraceInFastThrow \
        -XX:TieredStopAtLevel=1 \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/java.lang=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        -Dio.netty.tryReflectionSetAccessible=true \
        -Dfile.encoding=UTF-8 \
        ${NEO4J_JAVA_OPTS:-} \
        -cp "$LAUNCHER_DIR/target/classes:$(cat "$CP_FILE")" \
        "$MAIN_CLASS" --home "$HOME_DIR" --host "$HOST" --port "$PORT" --ready-file "$READY_FILE" \
        >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$PID_FILE"

    local deadline=$((SECONDS + START_TIMEOUT)) stage="launcher"
    while :; do
        if ! is_our_process "$pid" loose; then
            log "neo4j (pid $pid) exited during start-up; last log lines:"
            tail -n 40 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            exit 1
        fi
        case "$stage" in
            launcher) [[ -s "$READY_FILE" ]] && stage="port" ;;
            port)     port_open && stage="query" ;;
            query)
                if [[ -n "$py" ]]; then driver_probe "$py" && break
                else bolt_handshake && break; fi ;;
        esac
        if (( SECONDS >= deadline )); then
            log "timed out after ${START_TIMEOUT}s waiting for '$stage'; stopping pid $pid. Log tail:"
            tail -n 40 "$LOG_FILE" >&2 || true
            cmd_stop >/dev/null 2>&1 || true
            exit 1
        fi
        sleep 0.5
    done
    log "started pid $pid in $((SECONDS - t0))s (log: $LOG_FILE)"
    echo "bolt://$HOST:$PORT"
}

cmd_stop() {
    local pid
    if [[ ! -f "$PID_FILE" ]]; then log "not running (no PID file)"; return 0; fi
    if ! pid="$(live_pid)"; then
        log "stale PID file (process gone or not ours); removing"
        rm -f "$PID_FILE" "$READY_FILE"
        return 0
    fi
    local t0=$SECONDS
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while is_our_process "$pid"; do
        if (( SECONDS >= deadline )); then
            log "pid $pid did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            local k=$((SECONDS + 10))
            while is_our_process "$pid" && (( SECONDS < k )); do sleep 0.2; done
            break
        fi
        sleep 0.2
    done
    is_our_process "$pid" && die "pid $pid still alive"
    rm -f "$PID_FILE" "$READY_FILE"
    log "stopped pid $pid in $((SECONDS - t0))s"
}

cmd_status() {
    local pid
    if pid="$(live_pid)"; then
        if [[ -s "$READY_FILE" ]]; then
            echo "running pid=$pid uri=$(cat "$READY_FILE") log=$LOG_FILE"
        else
            echo "starting pid=$pid log=$LOG_FILE"
        fi
        return 0
    fi
    echo "not running"
    return 3
}

case "${1:-}" in
    build)  cmd_build ;;
    start)  cmd_start ;;
    stop)   cmd_stop ;;
    status) cmd_status ;;
    restart) cmd_stop; cmd_start ;;
    *) echo "usage: $0 {build|start|stop|status|restart}" >&2; exit 2 ;;
esac
