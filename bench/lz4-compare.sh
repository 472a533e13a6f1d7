#!/usr/bin/env bash
# Seed 003's experiment in miniature: compressing a disk image of mixed content on the thread pool.
#
#   bench/lz4-compare.sh [--runs N] [--size SIZE] [--file PATH] [--keep]
#
# Makes (unless --file names one) an image of SIZE (default 1g) whose 64 KiB clusters are, in a fixed pseudo-random
# pattern, a third zeroes, a third text (the system's own documentation, each cluster from a different place) and a
# third random bytes; then, in each of N rounds (default 3), on that one file:
#   aioemu convert -O lz4 --threads=1|2 --pool=queue|rings   (clusters compressed on the pool's workers)
#   lz4 -1                                                     (the reference compressor, one thread)
#   qemu-img convert -c -O qcow2                               (qemu's compressed images: zlib)
# and prints medians: wall time, MiB/s of image, CPU seconds (user+sys), the compression ratio, aioemu's own time
# (without the JVM's start), aioemu's scaling from 1 to 2 threads and its per-thread throughput against lz4 -1's
# (by the process's wall time, and by its own), and how evenly the workers were loaded (each
# worker's CPU time, from /proc while the convert ran, as the seed's "all threads equally busy").
# Needs lz4, qemu-img, python3 and GNU time (apt-get install lz4 qemu-utils time).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=3 size=1g file="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lz4-compare.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
for tool in lz4 qemu-img python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "lz4-compare.sh: $tool is not installed (apt-get install lz4 qemu-utils time python3)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/aioemu-lz4cmp.XXXXXX")
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
"$root/aioemu" --version >/dev/null
if [ -z "$file" ]; then
  file="$work/mixed.raw"
  echo "lz4-compare.sh: writing $size of mixed clusters to $file" >&2
  python3 - "$file" "$size" <<'PY'
import os, sys, glob, gzip, random
path, size = sys.argv[1], sys.argv[2]
mult = {'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30}
n = int(size[:-1]) * mult[size[-1].lower()] if size[-1].lower() in mult else int(size)
corpus = bytearray()
for f in sorted(glob.glob('/usr/share/doc/**/*', recursive=True)):
    if len(corpus) > 32 << 20 or not os.path.isfile(f):
        continue
    try:
        corpus += gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()
    except Exception:
        pass
if len(corpus) < 1 << 20:
    corpus = bytearray(b'the quick brown fox jumps over the lazy dog\n' * 30000)
rnd = random.Random(3)
C = 65536
with open(path, 'wb') as out:
    for i in range(n // C):
        kind = rnd.randrange(3)
        if kind == 0:
            out.write(bytes(C))
        elif kind == 1:
            at = rnd.randrange(len(corpus) - C)
            out.write(corpus[at:at + C])
        else:
            out.write(rnd.randbytes(C))
PY
fi
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null   # every tool reads it from the page cache
results="$work/results.tsv"
: > "$results"

# time_run NAME OUT CMD...: wall and CPU seconds of CMD, appended to the results with the output's size.
time_run() {
  local name=$1 out=$2; shift 2
  rm -f "$out"
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/stdout" 2> "$work/stderr" || {
    echo "lz4-compare.sh: $name failed:" >&2; cat "$work/stderr" >&2; exit 1; }
  read -r wall user sys < "$work/time"
  # aioemu's --stats line gives its own wall time, from before it opens the images to after the flush: the
  # process's wall less the JVM's start (about 0.3 s here, with the launcher's start-up cache).
  inproc=$(sed -n 's/.* of \([0-9.]*\) s wall.*/\1/p' "$work/stdout" | head -n 1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$(python3 -c "print($user+$sys)")" "$(stat -c %s "$out")" \
    "${inproc:--}" >> "$results"
}

for round in $(seq 1 "$runs"); do
  echo "lz4-compare.sh: round $round/$runs" >&2
  for pool in queue rings; do
    for threads in 1 2; do
      time_run "aioemu-$pool-t$threads" "$work/out.lz4" \
        "$root/aioemu" convert -q --stats -O lz4 -m 16 --threads="$threads" --pool="$pool" "$file" "$work/out.lz4"
      grep -h "^workers" "$work/stdout" >> "$work/workers-$pool-t$threads" || true
    done
  done
  time_run "lz4-1" "$work/out.lz4f" lz4 -1 -q -f "$file" "$work/out.lz4f"
  time_run "qemu-img-c" "$work/out.qcow2" qemu-img convert -c -O qcow2 "$file" "$work/out.qcow2"
done

python3 - "$results" "$bytes" "$work" <<'PY'
import sys, statistics, collections, glob, os
path, nbytes, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = collections.defaultdict(list)
for line in open(path):
    name, wall, cpu, out, inproc = line.rstrip('\n').split('\t')
    rows[name].append((float(wall), float(cpu), int(out), None if inproc == '-' else float(inproc)))
med = {}
inmed = {}
print(f"host: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}, {os.cpu_count()} CPUs; "
      f"image {nbytes / 2**20:.0f} MiB of mixed clusters; medians of {len(next(iter(rows.values())))} runs")
print("| tool | wall s | MiB/s | CPU s | ratio | in-process s | in-process MiB/s |")
print("|---|---|---|---|---|---|---|")
for name, vals in rows.items():
    wall = statistics.median(v[0] for v in vals)
    cpu = statistics.median(v[1] for v in vals)
    out = statistics.median(v[2] for v in vals)
    med[name] = nbytes / 2**20 / wall
    inproc = [v[3] for v in vals if v[3] is not None]
    extra = "- | -"
    if inproc:
        inmed[name] = nbytes / 2**20 / statistics.median(inproc)
        extra = f"{statistics.median(inproc):.2f} | {inmed[name]:.0f}"
    print(f"| {name} | {wall:.2f} | {med[name]:.0f} | {cpu:.2f} | {nbytes / out:.2f} | {extra} |")
lz = med.get('lz4-1')
for pool in ('queue', 'rings'):
    t1, t2 = med.get(f'aioemu-{pool}-t1'), med.get(f'aioemu-{pool}-t2')
    if t1 and t2 and lz:
        print(f"{pool}: 1 thread {t1 / lz:.2f}x lz4 -1, scaling 1->2 threads {t2 / t1:.2f}x, "
              f"2 threads {t2 / med['qemu-img-c']:.1f}x qemu-img convert -c")
    i1, i2 = inmed.get(f'aioemu-{pool}-t1'), inmed.get(f'aioemu-{pool}-t2')
    if i1 and i2 and lz:
        print(f"{pool}, in-process (without the JVM's start): 1 thread {i1 / lz:.2f}x lz4 -1, "
              f"scaling 1->2 threads {i2 / i1:.2f}x")
for f in sorted(glob.glob(os.path.join(work, 'workers-*'))):
    lines = [l.strip() for l in open(f) if l.strip()]
    if lines:
        print(os.path.basename(f) + ": " + lines[-1])
PY
