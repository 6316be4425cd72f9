#!/usr/bin/env bash
# portcheck against nmap in the lab (tests/lab/lab.sh), measured in one run:
#
# 1. For every lab visitor and address family: wall time of a full portcheck
#    scan, from the visitor's request to the finished report (curl in the
#    visitor's namespace), against `nmap -n -Pn -T4 -pPORTS` over the ports
#    portcheck touches (every group's range and control ports, read from the
#    `groups` of a report of this probe: -p78-91,438-451 for the standard
#    plan) from the probe host, with hyperfine;
#    the time until the visitor knows every port's state (the last `port`
#    event of the stream; the full report also waits for identification);
#    and whether the states are identical (known differences named).
# 2. Accuracy under loss: repeated scans of the lossy visitor at each loss
#    rate, portcheck and nmap against the truth.
# 3. Load: scans per second the probe sustains with many concurrent visitors
#    (125 addresses of the crowd host), at the default concurrency limit; the
#    per-address rate limit is lifted (--rate-burst 100000) so that each
#    address can be scanned many times.
#
# usage: sudo bench/lab-vs-nmap.sh [RUNS] [LOSS_ROUNDS]   (defaults 10 and 25)
# BENCH_PARTS="visitors loss load" (the default) selects the parts to run.
# Prints Markdown tables (BENCHMARKS.md, "## Lab") on stdout, progress on
# stderr. Needs root; builds the release binary; leaves nothing behind.

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"

RUNS=${1:-10}
LOSS_ROUNDS=${2:-25}
[ "$(id -u)" -eq 0 ] || { echo "bench/lab-vs-nmap.sh needs root (network namespaces)" >&2; exit 1; }

setup_lab
BIN="${PORTCHECK_BENCH_BIN:-}" # a prebuilt probe, else the release build
if [ -z "$BIN" ]; then
  step "building the release probe"
  cargo build --release --locked --bin portcheck >&2
  BIN="$ROOT/target/release/portcheck"
fi

PREFIX="pclb$$-0"
WORK="$(mktemp -d)"
teardown() {
  bash tests/lab/lab.sh down "$PREFIX" || true
  rm -rf "$WORK"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "building the lab"
PORTCHECK_LAB_PROBE_ARGS="--rate-burst 100000 --rate-refill-secs 1 --request-burst 1000000 --request-rate 1000000" PORTCHECK_LAB_LOSS=10 \
  bash tests/lab/lab.sh up "$PREFIX" "$BIN" \
  mixed smb smb1 rangefwd singlefwd v6pin lossy tarpit crowd >/dev/null
DIR="${TMPDIR:-/tmp}/portcheck-lab-$PREFIX"
declare -A L
while IFS='=' read -r k v; do L[$k]=$v; done <"$DIR/lab.env"
PROBE="${L[PROBE_NS]}"

# The ports of the probe's plan, from the groups of one of its reports (the
# mixed visitor's): nmap scans exactly these.
ip netns exec "${L[V_mixed_NS]}" curl -sf --max-time 60 -o "$WORK/plan.json" \
  "http://${L[PROBE_IPV4]}:${L[PROBE_PORT]}/api/v1/scan"
read -r PORTS NPORTS < <(python3 -c 'import json, sys
g = json.load(open(sys.argv[1]))["groups"]
ports = sorted({p for x in g for p in x["ports"] + x["control"]})
runs = []
for p in ports:
    if runs and runs[-1][1] + 1 == p:
        runs[-1][1] = p
    else:
        runs.append([p, p])
print(",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs), len(ports))' "$WORK/plan.json")
note "nmap ports: $PORTS ($NPORTS)"

url() { # FAMILY [PORT]
  local port=${2:-${L[PROBE_PORT]}}
  if [ "$1" = 4 ]; then echo "http://${L[PROBE_IPV4]}:$port/api/v1/scan"; else echo "http://[${L[PROBE_IPV6]}]:$port/api/v1/scan"; fi
}
nmap_cmd() { # FAMILY TARGET
  local six=""
  [ "$1" = 6 ] && six="-6 "
  echo "ip netns exec $PROBE nmap ${six}-n -Pn -T4 -p$PORTS -oX /dev/null $2"
}
# One portcheck scan and one nmap scan, compared. Prints compare_states.py's JSON.
compare_once() { # NS FAMILY TARGET [TRUTH]
  local six=()
  [ "$2" = 6 ] && six=(-6)
  ip netns exec "$1" curl -sf --max-time 60 -o "$WORK/report.json" "$(url "$2")"
  # -vv: list every port in the XML (nmap folds more than 25 of one state).
  ip netns exec "$PROBE" nmap "${six[@]}" -n -Pn -T4 -p"$PORTS" -vv -oX "$WORK/nmap.xml" "$3" >/dev/null 2>&1
  python3 bench/compare_states.py "$WORK/report.json" "$WORK/nmap.xml" ${4:+"$4"}
}
mean_sd() { # HYPERFINE_JSON INDEX -> "mean sd" in ms
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print("%.0f %.0f" % (r["mean"] * 1000, r["stddev"] * 1000))' "$1" "$2"
}

PARTS="${BENCH_PARTS:-visitors loss load}"
part() { [[ " $PARTS " == *" $1 "* ]]; }

if part visitors; then
echo "### Full scan per visitor: portcheck vs nmap -T4 (same run, hyperfine $RUNS runs, 2 warmups)"
echo
echo "| visitor | family | portcheck: request → report | portcheck: request → all states (stream) | nmap -n -Pn -T4 | ratio report / nmap | ratio states / nmap | states vs nmap |"
echo "|---|---|---|---|---|---|---|---|"
for v in mixed smb smb1 rangefwd singlefwd v6pin lossy tarpit; do
  for fam in 4 6; do
    target="${L[V_${v}_IPV$fam]}"
    [ -n "$target" ] || continue
    ns="${L[V_${v}_NS]}"
    step "$v over IPv$fam"
    cmp="$(compare_once "$ns" "$fam" "$target")"
    states="$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); d=c["differences"]
lossy = sys.argv[2] == "lossy"
print("identical" if not d else ("differs by loss: " if lossy else "UNEXPLAINED: " if c["unexplained"] else "same except ") + "; ".join(x.split(": UNEXPLAINED")[0] for x in d))' "$cmp" "$v")"
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" \
      "ip netns exec $ns curl -sf -o /dev/null $(url "$fam")" "$(nmap_cmd "$fam" "$target")" >&2
    read -r pc_mean pc_sd < <(mean_sd "$WORK/h.json" 0)
    read -r nm_mean nm_sd < <(mean_sd "$WORK/h.json" 1)
    stream="$(ip netns exec "$ns" python3 bench/stream_timing.py --runs "$RUNS" --ports "$NPORTS" \
      "$(url "$fam" | sed 's|/api/v1/scan$|/api/v1/scan/stream|')")"
    read -r st_mean st_sd < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["states_ms"], r["states_sd"])' "$stream")
    ratio="$(python3 -c "print(f'{$pc_mean/$nm_mean:.2f}')")"
    ratio_states="$(python3 -c "print(f'{$st_mean/$nm_mean:.2f}')")"
    note="$v"
    [ "$v" = lossy ] && note="lossy (10 % loss each way)"
    echo "| $note | IPv$fam | $pc_mean ± $pc_sd ms | $st_mean ± $st_sd ms | $nm_mean ± $nm_sd ms | $ratio | $ratio_states | $states |"
  done
done
echo

fi

if part loss; then
echo "### Accuracy under loss (lossy visitor, $LOSS_ROUNDS scans per family and loss rate)"
echo
echo "| loss each way | scans | ports | portcheck right | nmap -T4 right | portcheck = nmap |"
echo "|---|---|---|---|---|---|"
TRUTH="443:open,445:open,440:filtered,442:filtered,444:filtered,446:filtered,448:filtered,449:filtered,*:closed"
for loss in 10 30; do
  step "lossy visitor at $loss % loss"
  bash tests/lab/lab.sh loss "$PREFIX" "$loss"
  : >"$WORK/loss.jsonl"
  for ((i = 0; i < LOSS_ROUNDS; i++)); do
    for fam in 4 6; do
      compare_once "${L[V_lossy_NS]}" "$fam" "${L[V_lossy_IPV$fam]}" "$TRUTH" >>"$WORK/loss.jsonl"
    done
  done
  python3 - "$WORK/loss.jsonl" "$loss" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = sum(r["ports"] for r in rows)
pct = lambda k: 100.0 * sum(r[k] for r in rows) / n
print(f'| {sys.argv[2]} % | {len(rows)} | {n} | {pct("pc_right"):.1f} % | {pct("nmap_right"):.1f} % | {pct("same_state"):.1f} % |')
EOF
done
bash tests/lab/lab.sh loss "$PREFIX" 10
echo
fi

if part load; then

echo "### Load: many visitors at once (crowd host, each scan waits for two timeouts on 442 and 449; default --max-scans 64; a client turned away retries after 0.1 s)"
echo
echo "| concurrent visitors | scans | wall | scans/s | latency p50 / p90 / p99 | statuses | wrong port states |"
echo "|---|---|---|---|---|---|---|"
for clients in 16 64 125; do
  step "load: $clients concurrent visitors"
  out="$(ip netns exec "${L[CROWD_NS]}" python3 bench/crowd.py --host "${L[PROBE_IPV4]}" \
    --port "${L[PROBE_PORT]}" --first "${L[CROWD_FIRST]}" --clients "$clients" \
    --total $((clients * 10)) --deadline 120)"
  python3 - "$out" "$NPORTS" <<'EOF'
import json, sys
r = json.loads(sys.argv[1]); l = r["latency_ms"]
n = int(sys.argv[2])
print(f'| {r["clients"]} | {r["scans"]}/{r["requests"]} | {r["wall_s"]} s | {r["scans_per_s"]} | {l["p50"]} / {l["p90"]} / {l["p99"]} ms | {r["statuses"]} | {r["wrong_states"]} of {n * r["scans"]} {r["wrong_by_port"] or ""} |')
EOF
done
fi
