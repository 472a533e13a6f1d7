#!/usr/bin/env bash
# Profiles one aioemu run with async-profiler (fetched from Maven Central on first use) and prints where
# each thread spent its samples: the share per thread, the hottest frames (self time), and the hottest
# aioemu/Netty frames (inclusive). Keeps the collapsed stacks (or, with --html, a flame graph) in --out.
#
#   bench/profile.sh [--event cpu|wall|alloc|lock] [--interval 1ms] [--top N] [--out DIR] [--html]
#                    [--] [bench|run] AIOEMU-OPTIONS...
#
# e.g. bench/profile.sh --rw=read --iodepth=16 --filename=/var/tmp/img.raw --runtime=3
# Without a subcommand the options go to `aioemu bench`. Sampling costs time: at --interval 200us a
# page-cache run lost half its IOPS here, at the default 1ms about a tenth; compare profiles with each
# other, and take IOPS from runs without the profiler. Needs python3 and Maven (for the first fetch).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
version=4.2

event=cpu interval=1ms top=25 out="$root/bench/target/profile" html=0
while [ $# -gt 0 ]; do
  case "$1" in
    --event) event=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --html) html=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
case "${1:-}" in
  bench|run) ;;
  *) set -- bench "$@" ;;
esac
command -v python3 >/dev/null || { echo "profile.sh: python3 is needed" >&2; exit 1; }

case "$(uname -m)" in
  x86_64) arch=linux-x64 ;;
  aarch64) arch=linux-arm64 ;;
  *) echo "profile.sh: async-profiler has no library for $(uname -m)" >&2; exit 1 ;;
esac
lib="$root/bench/target/async-profiler-$version/$arch/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  jar="${HOME}/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
  if [ ! -f "$jar" ]; then
    echo "profile.sh: fetching tools.profiler:async-profiler:$version from Maven Central" >&2
    "$root/build" -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" -Dtransitive=false >&2
  fi
  mkdir -p "$root/bench/target/async-profiler-$version"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
      "$jar" "$arch/libasyncProfiler.so" "$root/bench/target/async-profiler-$version"
fi

mkdir -p "$out"
if [ "$html" = 1 ]; then
  result="$out/flamegraph.html"
  agent="start,event=$event,interval=$interval,threads,file=$result"
else
  result="$out/profile.collapsed"
  agent="start,event=$event,interval=$interval,threads,collapsed,file=$result"
fi
rm -f "$result"
AIOEMU_JAVA_OPTS="-agentpath:$lib=$agent ${AIOEMU_JAVA_OPTS:-}" "$root/aioemu" "$@"
[ -s "$result" ] || { echo "profile.sh: the profiler wrote nothing to $result" >&2; exit 1; }
echo "profile.sh: $event samples in $result" >&2
[ "$html" = 1 ] && exit 0

python3 - "$result" "$top" <<'EOF'
import collections, re, sys
path, top = sys.argv[1], int(sys.argv[2])
threads, self_time, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
for line in open(path):
    stack, n = line.rstrip("\n").rsplit(" ", 1)
    frames, n = stack.split(";"), int(n)
    # "[aioemu-pool-worker-7 tid=123]": workers of one pool count as one thread kind
    name = re.sub(r"\s*tid=\d+", "", frames[0]).strip("[]")
    name = re.sub(r"-\d+$", "", name)
    threads[name] += n
    self_time[(name, frames[-1])] += n
    for f in set(frames[1:]):
        if "aioemu" in f or "netty" in f:
            inclusive[(name, f)] += n
total = sum(threads.values()) or 1
def show(title, counter, limit):
    print(title)
    for (key, n) in counter.most_common(limit):
        label = key if isinstance(key, str) else "%-22.22s %s" % key
        print("  %5.1f%%  %s" % (100.0 * n / total, label[:120]))
show("samples by thread", threads, 8)
show("hottest frames (self)", self_time, top)
show("hottest aioemu/netty frames (inclusive)", inclusive, top)
EOF
