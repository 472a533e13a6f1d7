#!/usr/bin/env bash
# NBD servers side by side on ONE image: aioemu serve (threads engine) against qemu-nbd and nbdkit's file
# plugin, each driven by the same clients in the same run: qemu-img bench over nbd:// (4 KiB reads at depth 1
# and 16, 1 MiB reads at depth 16: IOPS), aioemu bench through its own NBD client and fio's nbd engine (4 KiB random
# reads at depth 16, 5 s: IOPS), and nbdcopy (the whole image out to null:, and in from a file: MiB/s).
# Rounds interleave the servers; the table shows medians. Each server first copies the image in and out once,
# unmeasured (a warm-up, as fio's ramp_time).
#
#   bench/nbd-compare.sh [--runs N] [--size SIZE] [--count N]
#
# Needs qemu-utils (qemu-img, qemu-nbd), nbdkit and libnbd-bin (nbdcopy), and python3.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

runs=3 size=1g count=200000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "nbd-compare.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
for tool in qemu-img qemu-nbd nbdkit nbdcopy python3; do
  command -v "$tool" >/dev/null || { echo "nbd-compare.sh: $tool is not installed (apt-get install qemu-utils nbdkit libnbd-bin)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/var/tmp}/aioemu-nbd-compare.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
image="$work/image.raw"
"$root/aioemu" --version >/dev/null
echo "nbd-compare.sh: writing $size of data to $image" >&2
qemu-img create -f raw "$image" "$size" >/dev/null
qemu-io -f raw -c "write -P 0x5a 0 $size" "$image" >/dev/null
cat "$image" > /dev/null
head -c "$(stat -c %s "$image")" /dev/urandom > "$work/in.raw"

start_server() { # name port -> pid
  case "$1" in
    # Output to a log, not to $(...)'s pipe, which would wait for the server to exit.
    aioemu) "$root/aioemu" serve "$image" --port="$2" > "$work/$1.log" 2>&1 & ;;
    qemu-nbd) qemu-nbd -f raw -b 127.0.0.1 -p "$2" -t --cache=writeback --aio=threads "$image" > "$work/$1.log" 2>&1 & ;;
    nbdkit) nbdkit -f -i 127.0.0.1 -p "$2" file "$image" > "$work/$1.log" 2>&1 & ;;
  esac
  echo $!
}
wait_port() {
  for _ in $(seq 100); do
    nbdinfo "nbd://127.0.0.1:$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "nbd-compare.sh: server on port $1 did not come up" >&2; exit 1
}
seconds() { python3 -c 'import re,sys; t=sys.stdin.read(); m=re.search(r"Run completed in ([0-9.]+) seconds", t); print(m.group(1) if m else "nan")'; }

results="$work/results.tsv"
fio_nbd=no
fio --enghelp=nbd >/dev/null 2>&1 && fio_nbd=yes
port=10900
for round in $(seq "$runs"); do
  for server in aioemu qemu-nbd nbdkit; do
    port=$((port + 1))
    pid=$(start_server "$server" "$port"); pids+=("$pid")
    wait_port "$port"
    uri="nbd://127.0.0.1:$port"
    # One unmeasured copy each way first, for every server alike: a server is measured as it runs for long, not in
    # its first second (aioemu's JIT is still compiling the write path then; the others fill their caches).
    nbdcopy "$work/in.raw" "$uri"; nbdcopy "$uri" null:
    for row in "read4k-qd1 4096 1 $count" "read4k-qd16 4096 16 $count" "read1m-qd16 1048576 16 $((count / 50))"; do
      set -- $row
      t=$(qemu-img bench -f raw -c "$4" -d "$3" -s "$2" -S "$2" "$uri" 2>&1 | seconds)
      python3 -c "print('$1\t$server\t' + str($4 / $t))" >> "$results"
    done
    # The same servers as benchmarked by aioemu's own NBD client, and by fio's nbd engine (libnbd) where fio has it.
    # (fio's nbd engine prints "fio: connected to NBD server" before the JSON: parse from the first brace.)
    iops() { python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[t.index("{"):])["jobs"][0]["read"]["iops"])'; }
    v=$("$root/aioemu" bench --name=nbd --filename="$uri" --rw=randread --bs=4k --iodepth=16 --runtime=5 --time_based \
        --output-format=json | iops)
    echo -e "bench-client-read4k-qd16\t$server\t$v" >> "$results"
    if [ "$fio_nbd" = yes ]; then
      v=$(fio --name=nbd --ioengine=nbd --uri="$uri" --rw=randread --bs=4k --iodepth=16 --runtime=5 --time_based \
          --output-format=json 2>/dev/null | iops)
      echo -e "fio-nbd-read4k-qd16\t$server\t$v" >> "$results"
    fi
    s=$(stat -c %s "$image")
    t0=$(date +%s.%N); nbdcopy "$uri" null: ; t1=$(date +%s.%N)
    python3 -c "print('copy-out-MiB/s\t$server\t' + str($s / 1048576 / ($t1 - $t0)))" >> "$results"
    t0=$(date +%s.%N); nbdcopy "$work/in.raw" "$uri" ; t1=$(date +%s.%N)
    python3 -c "print('copy-in-MiB/s\t$server\t' + str($s / 1048576 / ($t1 - $t0)))" >> "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; median of $runs rounds; one ${size} image"
python3 - "$results" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    row, server, value = line.rstrip("\n").split("\t")
    rows.setdefault(row, collections.defaultdict(list))[server].append(float(value))
servers = ["aioemu", "qemu-nbd", "nbdkit"]
print("| row | " + " | ".join(servers) + " | aioemu / qemu-nbd |")
print("|---|" + "---|" * (len(servers) + 1))
for row, by in rows.items():
    med = {s: statistics.median(by[s]) for s in servers if by[s]}
    unit = "" if "MiB" in row else " IOPS"
    cells = ["%.1fk" % (med[s] / 1000) if not unit == "" else "%.0f" % med[s] for s in servers]
    print("| %s | %s | %.2fx |" % (row, " | ".join(cells), med["aioemu"] / med["qemu-nbd"]))
PY
