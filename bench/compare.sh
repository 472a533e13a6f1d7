#!/usr/bin/env bash
# Side-by-side benchmark: aioemu bench (threads engine as it comes, on the ring model, and with the hand-off alone;
# io_uring; sync) against fio (psync, io_uring) and
# qemu-img bench (threads, io_uring) on ONE image file, the same workloads, several rounds; prints median
# IOPS per tool and aioemu's ratio to each peer, plus depth-1 p99 completion latency.
#
#   bench/compare.sh [--runs N] [--runtime SEC] [--ramp SEC] [--size SIZE] [--file PATH] [--only ROW[,ROW...]]
#                    [--keep] [--aioemu-args "--thread-pool-max=1 ..."]   (extra options for every aioemu run)
#
# --ramp (default 1) is fio's ramp_time, given to aioemu and fio alike: each runs that long unmeasured
# first, so the JVM's JIT compiling on one of few cores is not counted as aioemu's I/O time. qemu-img bench
# has no warm-up option (nor a JIT to warm).
#
# Rows (fio option strings; aioemu bench takes the same ones):
#   seqread-qd1, seqread-qd16, randread-qd1, randread-qd16   4 KiB reads from page cache
#   randread-qd32-direct, randwrite-qd16-direct               4 KiB, O_DIRECT
#   seqread128k-qd4-direct                                     128 KiB sequential reads, O_DIRECT
# fio-psyncN is fio's psync engine with one thread per request in flight (--numjobs=iodepth, group_reporting):
# blocking syscalls on as many threads as aioemu's pool may use, the fair peer of a thread pool.
# Rounds interleave the tools (round 1: every tool on every row, then round 2, ...) so that the machine's
# drift hits all of them alike; the table shows medians. Every page-cache run starts with the whole image
# re-read into the page cache. qemu-img bench has no random mode: it runs the sequential rows only.
# Needs fio and qemu-img (apt-get install fio qemu-utils) and python3.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

runs=3 runtime=5 ramp=1 size=1g file="" only="" keep=0 extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --aioemu-args) extra=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
for tool in fio qemu-img python3; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed (apt-get install fio qemu-utils python3)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/var/tmp}/aioemu-compare.XXXXXX")
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
if [ -z "$file" ]; then
  file="$work/image.raw"
fi
results="$work/results.tsv"
: > "$results"

# Build the CLI once, outside the timed runs.
"$root/aioemu" --version >/dev/null

# One image with real data (holes would make reads free), then read once so page-cache rows hit the cache.
if [ ! -s "$file" ]; then
  echo "compare.sh: writing $size of data to $file" >&2
  fio --name=fill --filename="$file" --size="$size" --rw=write --bs=1m --ioengine=psync --end_fsync=1 \
      --output=/dev/null
fi
bytes=$(stat -c %s "$file")

# name | fio options (shared by aioemu and fio) | qemu-img args (empty: no qemu-img run)
rows=(
  "seqread-qd1|--rw=read --bs=4k --iodepth=1 --direct=0|-t writeback -d 1 -s 4k"
  "seqread-qd16|--rw=read --bs=4k --iodepth=16 --direct=0|-t writeback -d 16 -s 4k"
  "randread-qd1|--rw=randread --bs=4k --iodepth=1 --direct=0|"
  "randread-qd16|--rw=randread --bs=4k --iodepth=16 --direct=0|"
  "randread-qd32-direct|--rw=randread --bs=4k --iodepth=32 --direct=1|"
  "randwrite-qd16-direct|--rw=randwrite --bs=4k --iodepth=16 --direct=1|"
  "seqread128k-qd4-direct|--rw=read --bs=128k --iodepth=4 --direct=1|-t none -d 4 -s 128k"
)

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

# Prints "IOPS P99_NS" from fio-format JSON on stdin (p99 of completion latency of the busier direction).
parse_json() {
  python3 -c '
import json, sys
text = sys.stdin.read()
j = json.loads(text[text.index("{"):])["jobs"][0]
if j.get("error", 0) != 0:
    sys.exit(0)  # printed nothing: the row records an error
d = max((j[k] for k in ("read", "write")), key=lambda x: x["iops"])
p = d["clat_ns"].get("percentile", {}).get("99.000000", 0)
print("%.0f %d" % (d["iops"], p))'
}

run_aioemu() { # engine opts ("threads": the defaults; "rings": --pool=rings; "handoff": --pool-inline=off)
  local engine=$1; shift
  local aio=$engine pool=()
  if [ "$engine" = rings ]; then
    aio=threads pool=(--pool=rings)
  elif [ "$engine" = handoff ]; then
    aio=threads pool=(--pool-inline=off)
  fi
  "$root/aioemu" bench --name=cmp --filename="$file" --size="$bytes" --runtime="$runtime" --ramp_time="$ramp" \
      --time_based --aio="$aio" "${pool[@]}" --invalidate=0 --output-format=json --eta=never "$@" $extra 2>/dev/null | parse_json
}

run_fio() { # engine opts ("psyncN": psync with one thread per request in flight, a thread pool's peer)
  local engine=$1; shift
  local jobs=()
  if [ "$engine" = psyncN ]; then
    local depth
    depth=$(printf '%s\n' "$@" | sed -n 's/^--iodepth=//p')
    engine=psync jobs=(--numjobs="${depth:-1}" --group_reporting)
  fi
  fio --name=cmp --filename="$file" --size="$bytes" --runtime="$runtime" --ramp_time="$ramp" --time_based \
      --ioengine="$engine" "${jobs[@]}" --invalidate=0 --output-format=json "$@" 2>/dev/null | parse_json
}

# qemu-img bench runs a request count, not a time: calibrate the count on a short run, then scale it.
run_qemu() { # aio args
  local aio=$1; shift
  local count=20000 secs
  secs=$(qemu-img bench -f raw -i "$aio" -c "$count" "$@" "$file" 2>/dev/null | sed -n 's/.*completed in \([0-9.]*\) seconds.*/\1/p')
  [ -n "$secs" ] || { echo "error"; return; }
  count=$(python3 -c "print(max(1000, int($count * $runtime / max($secs, 0.001))))")
  secs=$(qemu-img bench -f raw -i "$aio" -c "$count" "$@" "$file" 2>/dev/null | sed -n 's/.*completed in \([0-9.]*\) seconds.*/\1/p')
  [ -n "$secs" ] || { echo "error"; return; }
  python3 -c "print('%.0f 0' % ($count / $secs))"
}

record() { # row tool round "iops p99" (or error)
  local out=$4
  [ -n "$out" ] || out="error"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$out" >> "$results"
}

# Before every page-cache run: the whole image in the page cache. O_DIRECT writes drop the cached pages
# they overwrite (randwrite-qd16-direct drops most of the file), so without this the first tool of the
# next round read from disk: seqread-qd1 measured 179k IOPS right after that row, 676k on the next run.
warm() { # opts
  if [[ " $1 " == *" --direct=0 "* ]]; then
    cat "$file" > /dev/null
  fi
}

for round in $(seq 1 "$runs"); do
  for row in "${rows[@]}"; do
    IFS='|' read -r name opts qemu <<< "$row"
    wanted "$name" || continue
    echo "compare.sh: round $round/$runs: $name" >&2
    # shellcheck disable=SC2086
    for engine in threads rings handoff io_uring sync; do
      warm "$opts"
      record "$name" "aioemu-$engine" "$round" "$(run_aioemu "$engine" $opts || true)"
    done
    # shellcheck disable=SC2086
    for engine in psync psyncN io_uring; do
      warm "$opts"
      record "$name" "fio-$engine" "$round" "$(run_fio "$engine" $opts || true)"
    done
    if [ -n "$qemu" ]; then
      # shellcheck disable=SC2086
      for aio in threads io_uring; do
        warm "$opts"
        record "$name" "qemu-img-$aio" "$round" "$(run_qemu "$aio" $qemu || true)"
      done
    fi
  done
done

host=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
python3 - "$results" "$runs" "$runtime" "$bytes" "$ramp" "$host" "$(nproc)" <<'EOF'
import statistics, sys
path, runs, runtime, size, ramp, host, cpus = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
iops, p99, rows = {}, {}, []
for line in open(path):
    row, tool, _, out = line.rstrip("\n").split("\t")
    if row not in rows:
        rows.append(row)
    parts = out.split()
    if len(parts) == 2:
        iops.setdefault((row, tool), []).append(float(parts[0]))
        p99.setdefault((row, tool), []).append(float(parts[1]))
ours = ["aioemu-threads", "aioemu-rings", "aioemu-handoff", "aioemu-io_uring", "aioemu-sync"]
peers = ["fio-psync", "fio-psyncN", "fio-io_uring", "qemu-img-threads", "qemu-img-io_uring"]
def med(d, k):
    return statistics.median(d[k]) if k in d else None
def fmt(v):
    return "-" if v is None else ("%.1fk" % (v / 1000) if v >= 1000 else "%.0f" % v)
print("host: %s, %s CPUs; aioemu-threads is the threads engine with its defaults (--pool=queue, --pool-inline=auto),"
      " aioemu-rings with --pool=rings, aioemu-handoff with --pool-inline=off (every request through a worker)"
      % (host, cpus))
print("median IOPS of %s runs x %ss (after %ss unmeasured ramp; qemu-img: none) on one %.1f GiB image"
      % (runs, runtime, ramp, size / 2**30))
print("| workload | " + " | ".join(ours + peers) + " |")
print("|---" * (1 + len(ours) + len(peers)) + "|")
for r in rows:
    print("| %s | %s |" % (r, " | ".join(fmt(med(iops, (r, t))) for t in ours + peers)))
print()
print("aioemu's ratio to each peer: threads engine / threads engine, hand-off only / io_uring engine")
print("| workload | " + " | ".join(peers) + " |")
print("|---" * (1 + len(peers)) + "|")
for r in rows:
    thr = med(iops, (r, "aioemu-threads"))
    handoff = med(iops, (r, "aioemu-handoff"))
    uring = med(iops, (r, "aioemu-io_uring"))
    cells = []
    for p in peers:
        v = med(iops, (r, p))
        ratio = lambda x: "-" if not x or not v else "%.2fx" % (x / v)
        cells.append("%s / %s / %s" % (ratio(thr), ratio(handoff), ratio(uring)))
    print("| %s | %s |" % (r, " | ".join(cells)))
print()
print("p99 completion latency at depth 1 (us, median of runs)")
for r in rows:
    if not r.endswith("qd1"):
        continue
    cells = []
    for t in ours + ["fio-psync", "fio-io_uring"]:
        v = med(p99, (r, t))
        cells.append("%s=%s" % (t, "-" if not v else "%.1f" % (v / 1000)))
    print("  %s: %s" % (r, ", ".join(cells)))
EOF
