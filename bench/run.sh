#!/usr/bin/env bash
# oitwatch speed, measured side by side with the peers of ../shared/bench/
# (wget, wget2, httrack, Scrapy) on the same loopback fixture, in one run.
# Reuses ../shared/bench/ (gen_site.py, serve.sh, crawl_bench.py,
# micro/gumbo_bench.cpp) by path; writes bench/RESULTS.md (see README.md).
#
#   bench/run.sh                            # ~25 min; installs the peers with
#                                           # apt-get (via sudo unless root)
#
# Knobs (defaults): WORK=/tmp/crawlbench SHARED=<repo>/../shared/bench
#   BUILD=<repo>/build-bench  SITES=50 PAGES=200 SEED=2567 CONC=16 (oitwatch
#   --host-connections; the engine opens up to 4x that in total = 64, the
#   peers' concurrency) RUNS=3 (oitwatch, wget, wget2) SLOW_RUNS=1 (httrack,
#   scrapy) FAST_TOOLS=wget,wget2 SLOW_TOOLS=httrack,scrapy TIMEOUT=400
#   SCALE=1 (RSS at 1/10 and 10x pages per site, and an unchanged second
#   run) PAIRS=3 (first + unchanged second runs, each pair on a fresh
#   database; the target compares their medians) MICRO=1 (Gumbo's raw parse
#   rate on the same pages)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
WORK=${WORK:-/tmp/crawlbench}
BUILD=${BUILD:-$ROOT/build-bench}
SITES=${SITES:-50}; PAGES=${PAGES:-200}; SEED=${SEED:-2567}; CONC=${CONC:-16}
RUNS=${RUNS:-3}; SLOW_RUNS=${SLOW_RUNS:-1}; TIMEOUT=${TIMEOUT:-400}
FAST_TOOLS=${FAST_TOOLS-wget,wget2}; SLOW_TOOLS=${SLOW_TOOLS-httrack,scrapy}
SCALE=${SCALE:-1}; PAIRS=${PAIRS:-3}; MICRO=${MICRO:-1}
SITE=$WORK/site; RES=$WORK/oitwatch-results
mkdir -p "$WORK" "$RES"
log() { echo "== $(date +%T) $*" >&2; }
[ -f "$SHARED/crawl_bench.py" ] || { echo "no $SHARED/crawl_bench.py (set SHARED=)" >&2; exit 2; }

# ---- 1. dependencies --------------------------------------------------------------
PKGS="nginx-light wget wget2 httrack python3-scrapy time libgumbo-dev g++ pkg-config cmake"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  log "installing: $missing"
  AS_ROOT=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $AS_ROOT apt-get update -qq
  $AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
"$ROOT/scripts/deps.sh"   # the libraries oitwatch builds with (idempotent)

# ---- 2. oitwatch (optimised build) ---------------------------------------------------
log "building oitwatch (RelWithDebInfo) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOITWATCH_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target oitwatch >/dev/null
OITWATCH=$BUILD/app/oitwatch
RULES=$ROOT/config/rules/bma-district-2568.yaml

# ---- 3. fixture, sites files, nginx ------------------------------------------------
gen() {  # gen DIR SITES PAGES BASE_PORT
  if [ ! -f "$1/manifest.json" ] || ! python3 -c "import json,sys; m=json.load(open('$1/manifest.json')); \
sys.exit(0 if (m['sites'],m['pages_per_site'],m['seed'])==($2,$3,$SEED) else 1)"; then
    log "generating fixture ($2 sites x $3 pages) in $1"
    python3 "$SHARED/gen_site.py" "$1" --sites "$2" --pages "$3" --seed "$SEED" --base-port "$4" >&2
  fi
}
sites_yaml() {  # sites_yaml SEEDS_FILE OUT [MAX]: one site per seed URL
  python3 - "$1" "$2" "${3:-0}" <<'EOF'
import sys
urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[3]) or len(urls)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("sites:\n")
    for i, u in enumerate(urls[:n], 1):
        f.write(f"  - id: site{i:03d}\n    name: เว็บไซต์ทดสอบ {i}\n    name_en: Bench site {i}\n    url: {u}\n")
EOF
}
gen "$SITE" "$SITES" "$PAGES" 18100
sites_yaml "$SITE/seeds.txt" "$WORK/oitwatch-sites.yaml"
OW_FLAGS="--rules $RULES --as-of 2025-04-10 --host-delay-ms 0 --host-connections $CONC \
--allow-address 127.0.0.1 --max-requests-per-site 100000 --max-pages-per-site 100000 --max-depth 50 \
--format none --quiet"
OW_TOOL="oitwatch=exec $OITWATCH run --sites $WORK/oitwatch-sites.yaml --db {out}/o.db $OW_FLAGS"

NGINX_PID=
stop_nginx() {
  if [ -n "${NGINX_PID:-}" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID"
    for _ in $(seq 100); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  NGINX_PID=
}
trap stop_nginx EXIT
NGINX_PID=$("$SHARED/serve.sh" "$SITE" "$WORK/nginx")
log "nginx master pid $NGINX_PID"

# ---- 4. crawls: oitwatch and the fast peers RUNS times, slow peers SLOW_RUNS times ---
bench() {  # bench RESULTS_DIR TOOLS RUNS [extra args]
  local dir=$1 tools=$2 runs=$3; shift 3
  python3 "$SHARED/crawl_bench.py" --site-root "$SITE" --nginx-pid "$NGINX_PID" \
    --nginx-dir "$WORK/nginx" --work "$WORK/out" --results "$dir" --tools "$tools" \
    --runs "$runs" --timeout "$TIMEOUT" --conc 64 "$@" >&2
}
uptime > "$RES/load.txt"
log "crawl: oitwatch${FAST_TOOLS:+,$FAST_TOOLS} x $RUNS"
bench "$RES/fast" "$FAST_TOOLS" "$RUNS" --add-tool "$OW_TOOL"
if [ -n "$SLOW_TOOLS" ]; then
  log "crawl: $SLOW_TOOLS x $SLOW_RUNS"
  bench "$RES/slow" "$SLOW_TOOLS" "$SLOW_RUNS"
fi

# ---- 5. memory when the corpus grows 10x, and an unchanged second run ---------------
timed() {  # timed NAME CMD...: /usr/bin/time -v into $RES/NAME.time
  /usr/bin/time -v -o "$RES/$1.time" "${@:2}" >/dev/null 2>"$RES/$1.err" || true
}
if [ "$SCALE" = 1 ]; then
  rm -rf "$WORK/scale" && mkdir -p "$WORK/scale"
  # (a) 10x the sites: 5 sites vs all 50, same pages per site
  sites_yaml "$SITE/seeds.txt" "$WORK/scale/sites5.yaml" 5
  log "RSS: 5 sites, then $SITES sites"
  timed rss-sites5 "$OITWATCH" run --sites "$WORK/scale/sites5.yaml" --db "$WORK/scale/s5.db" $OW_FLAGS
  timed rss-sites50 "$OITWATCH" run --sites "$WORK/oitwatch-sites.yaml" --db "$WORK/scale/s50.db" $OW_FLAGS
  # (b) unchanged second run on the same database; then PAIRS-1 more pairs
  # of first and second runs, each on a fresh database (one pair swings with
  # the machine: its ratio moved 18-22 % between runs of one build)
  log "unchanged second run, $PAIRS pairs"
  timed second-run "$OITWATCH" run --sites "$WORK/oitwatch-sites.yaml" --db "$WORK/scale/s50.db" $OW_FLAGS
  for i in $(seq 2 "$PAIRS"); do
    timed "pair$i-first" "$OITWATCH" run --sites "$WORK/oitwatch-sites.yaml" --db "$WORK/scale/pair$i.db" $OW_FLAGS
    timed "pair$i-second" "$OITWATCH" run --sites "$WORK/oitwatch-sites.yaml" --db "$WORK/scale/pair$i.db" $OW_FLAGS
  done
  stop_nginx
  # (c) 10x the pages per site: 5 sites x PAGES*10 on their own ports
  BIG=$WORK/site-big
  gen "$BIG" 5 $((PAGES * 10)) 18300
  sites_yaml "$BIG/seeds.txt" "$WORK/scale/big.yaml"
  NGINX_PID=$("$SHARED/serve.sh" "$BIG" "$WORK/nginx-big")
  log "RSS: 5 sites x $((PAGES * 10)) pages (nginx $NGINX_PID)"
  timed rss-pages10x "$OITWATCH" run --sites "$WORK/scale/big.yaml" --db "$WORK/scale/big.db" $OW_FLAGS
fi
stop_nginx

# ---- 6. the parse limit: Gumbo's raw parse rate on the same pages --------------------
if [ "$MICRO" = 1 ]; then
  log "gumbo_bench (nginx stopped)"
  g++ -O2 -std=c++17 -o "$WORK/gumbo_bench" "$SHARED/micro/gumbo_bench.cpp" $(pkg-config --cflags --libs gumbo)
  "$WORK/gumbo_bench" "$SITE" 3 > "$RES/gumbo.txt"
fi

uptime >> "$RES/load.txt"

# ---- 7. RESULTS.md ---------------------------------------------------------------------
CMDLINE="$(for v in RUNS SLOW_RUNS CONC TIMEOUT PAIRS; do printf '%s=%s ' $v "${!v}"; done)bench/run.sh"
python3 "$HERE/summarize.py" --res "$RES" --site "$SITE" --cmd "$CMDLINE" \
  --oitwatch-cmd "$OW_TOOL" > "$RES/RESULTS.md"
cp "$RES/RESULTS.md" "$HERE/RESULTS.md"
log "wrote $HERE/RESULTS.md"
cat "$HERE/RESULTS.md"
