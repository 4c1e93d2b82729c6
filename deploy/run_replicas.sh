#!/usr/bin/env bash
# GAN Classroom behind one port: K Streamlit replicas + nginx with cookie-sticky sessions.
#
#   deploy/run_replicas.sh [REPLICAS] [PORT]   defaults: one replica per CPU core, nginx on port 8080
#   deploy/run_replicas.sh 4 none              replicas only, no nginx (for a second machine, below)
#
# Why replicas: one Streamlit process runs every session's script in threads of ONE Python process,
# so the Python-heavy part (plots, protobufs) of all students shares one core's worth of GIL.
# One replica per core lets the class use every core. nginx pins each student to one replica with
# a cookie it sets itself (see nginx.conf.template for why not ip_hash).
#
# Runs in the foreground; Ctrl-C (or SIGTERM) stops nginx and every replica. If one of them dies,
# the others are stopped too, so a half-working class server never lingers.
#
# Environment:
#   GAN_COOKIE_SECRET  server.cookieSecret, the same on every replica (also on other machines):
#                      cookies one replica signs (st.login's user cookie, Starlette's session cookie)
#                      must verify on the others.
#                      Generated for this run if unset; export your own to keep it across restarts.
#   LISTEN_ADDR        address nginx listens on (default 127.0.0.1: this machine only; 0.0.0.0
#                      lets the class in).
#   BASE_PORT          first replica port (default 8501); replicas use BASE_PORT..BASE_PORT+K-1.
#   REPLICA_ADDR       address the replicas listen on (default 127.0.0.1: reachable only through
#                      nginx). On a second machine, its private address, firewalled to the proxy.
#   EXTRA_UPSTREAMS    replicas on other machines for nginx, comma-separated, each with optional
#                      nginx server parameters: "10.0.0.12:8501 weight=2, 10.0.0.12:8502 weight=2".
#   RUN_DIR            logs, nginx.conf and nginx temp files (default logs/deploy-PORT).
#   PYTHON             the Python that has the app installed (`pip install -e .`; default: python).
# Needs nginx (Debian: apt-get install -y nginx; its system service need not run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPLICAS="${1:-$(nproc)}"
PORT="${2:-8080}"
LISTEN_ADDR="${LISTEN_ADDR:-127.0.0.1}"
BASE_PORT="${BASE_PORT:-8501}"
REPLICA_ADDR="${REPLICA_ADDR:-127.0.0.1}"
EXTRA_UPSTREAMS="${EXTRA_UPSTREAMS:-}"
RUN_DIR="${RUN_DIR:-$ROOT/logs/deploy-$PORT}"
PYTHON="${PYTHON:-python}"

if [[ "$PORT" != none ]]; then
    command -v nginx >/dev/null || { echo "nginx not found: apt-get install -y nginx" >&2; exit 1; }
fi
mkdir -p "$RUN_DIR/tmp"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"

if [[ -z "${GAN_COOKIE_SECRET:-}" ]]; then
    GAN_COOKIE_SECRET="$(openssl rand -hex 32 2>/dev/null || "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')"
    echo "GAN_COOKIE_SECRET not set: generated one for this run (export your own to keep it across restarts)."
fi

PIDS=()
cleanup() {
    trap - EXIT INT TERM
    echo "stopping ${#PIDS[@]} processes (replicas, nginx)..."
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 40); do  # Streamlit takes a few seconds to stop; SIGKILL after 20 s
        local alive=0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.5
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SERVERS=""
for ((i = 0; i < REPLICAS; i++)); do
    p=$((BASE_PORT + i))
    # The secret goes through the environment, not the command line, so `ps` does not show it.
    (cd "$ROOT" && STREAMLIT_SERVER_COOKIE_SECRET="$GAN_COOKIE_SECRET" exec "$PYTHON" -m streamlit run app.py \
        --server.headless true --server.address "$REPLICA_ADDR" --server.port "$p" \
        --browser.gatherUsageStats false) >"$RUN_DIR/replica-$p.log" 2>&1 &
    PIDS+=($!)
    SERVERS+="        server $REPLICA_ADDR:$p;"$'\n'
done
IFS=',' read -ra EXTRA <<<"$EXTRA_UPSTREAMS"
for upstream in "${EXTRA[@]}"; do
    upstream="$(echo $upstream)"  # trim
    [[ -n "$upstream" ]] && SERVERS+="        server $upstream;"$'\n'
done

for ((i = 0; i < REPLICAS; i++)); do
    p=$((BASE_PORT + i))
    for _ in $(seq 1 240); do
        curl -fsS -o /dev/null "http://$REPLICA_ADDR:$p/_stcore/health" 2>/dev/null && break
        kill -0 "${PIDS[$i]}" 2>/dev/null || { echo "replica on port $p died; see $RUN_DIR/replica-$p.log" >&2; exit 1; }
        sleep 0.5
    done
    curl -fsS -o /dev/null "http://$REPLICA_ADDR:$p/_stcore/health" || { echo "replica on port $p not healthy" >&2; exit 1; }
    echo "replica $((i + 1))/$REPLICAS healthy on $REPLICA_ADDR:$p (pid ${PIDS[$i]}, log $RUN_DIR/replica-$p.log)"
done

if [[ "$PORT" != none ]]; then
    USER_LINE=""
    if [[ $EUID -eq 0 ]]; then  # as root, nginx's workers drop to nobody: give them the temp folder
        USER_LINE="user nobody nogroup;"
        chown nobody:nogroup "$RUN_DIR/tmp"
    fi
    awk -v run_dir="$RUN_DIR" -v listen="$LISTEN_ADDR:$PORT" -v user_line="$USER_LINE" -v servers="$SERVERS" '
        { gsub(/@RUN_DIR@/, run_dir); gsub(/@LISTEN@/, listen); gsub(/@USER_LINE@/, user_line) }
        /^@SERVERS@$/ { printf "%s", servers; next }
        { print }' "$ROOT/deploy/nginx.conf.template" >"$RUN_DIR/nginx.conf"
    nginx -t -q -p "$RUN_DIR" -e "$RUN_DIR/nginx_error.log" -c "$RUN_DIR/nginx.conf"
    nginx -p "$RUN_DIR" -e "$RUN_DIR/nginx_error.log" -c "$RUN_DIR/nginx.conf" -g "daemon off;" &
    PIDS+=($!)
    CHECK_ADDR="$LISTEN_ADDR"
    [[ "$CHECK_ADDR" == 0.0.0.0 ]] && CHECK_ADDR=127.0.0.1
    for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://$CHECK_ADDR:$PORT/_stcore/health" 2>/dev/null && break; sleep 0.25; done
    curl -fsS -o /dev/null "http://$CHECK_ADDR:$PORT/_stcore/health" \
        || { echo "nginx not answering on port $PORT; see $RUN_DIR/nginx_error.log" >&2; exit 1; }
    echo "GAN Classroom: $(grep -c ' server ' <<<"$SERVERS") replicas behind http://$LISTEN_ADDR:$PORT" \
         "(sticky cookie gc_affinity; logs in $RUN_DIR). Ctrl-C stops all."
else
    echo "GAN Classroom: $REPLICAS replicas on $REPLICA_ADDR:$BASE_PORT.. (no proxy). Ctrl-C stops all."
fi

# Foreground until any process exits (or we are told to stop); cleanup then stops the rest.
set +e
wait -n "${PIDS[@]}"
echo "a replica or nginx exited (status $?): stopping the others" >&2
exit 1
