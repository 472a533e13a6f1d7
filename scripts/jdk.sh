# Sourced by ./aioemu, ./build and bench/jmh: finds a JDK >= 25 and exports JAVA_HOME to it.
# JAVA_HOME wins when it already points at one; otherwise the newest under /usr/lib/jvm (or
# $AIOEMU_JVM_ROOT) is taken.
# Prints what to install and exits when there is none.

aioemu_java_major() {
  # $1: a java executable. Prints its feature version (17, 25, ...) or nothing. A JDK's `release` file
  # (JAVA_VERSION="25.0.3", present since JDK 9) answers without starting a JVM, which costs ~0.1 s per
  # candidate on every ./aioemu call; asking the JVM itself is the fallback for a JDK without one.
  local release major
  release="$(dirname "$1")/../release"
  if [ -f "$release" ]; then
    major=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" | head -n 1)
    if [ -n "$major" ]; then
      echo "$major"
      return
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

aioemu_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(aioemu_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      return 0
    fi
  fi
  for candidate in "${AIOEMU_JVM_ROOT:-/usr/lib/jvm}"/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(aioemu_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "aioemu: needs a JDK 25 or newer; none found in JAVA_HOME or under ${AIOEMU_JVM_ROOT:-/usr/lib/jvm}." >&2
    echo "aioemu: install one (for example Temurin 25: temurin-25-jdk) and run again." >&2
    exit 1
  fi
  export JAVA_HOME=$best
}

aioemu_find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guava touches sun.misc.Unsafe; on JDK 25 that only prints a warning, which this hides.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
