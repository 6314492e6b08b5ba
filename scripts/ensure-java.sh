#!/usr/bin/env bash
# Make sure a Java 17+ runtime is there for the Spark backend's tests (pyspark 4 needs it): when none is
# found, install Debian's openjdk-17-jre-headless with apt-get (root only). Prints what it did; never
# fails the build: without Java the Spark tests are skipped, loudly, with the reason.
set -u
java_major() {
  # "17.0.15" -> 17, "1.8.0_392" -> 8; empty when no java runs.
  local v
  v=$("${1:-java}" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  case "$v" in
    1.*) echo "$v" | cut -d. -f2 ;;
    "") echo "" ;;
    *) echo "$v" | cut -d. -f1 | cut -d- -f1 ;;
  esac
}
have() {
  local m
  for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)"; do
    [ -n "$j" ] && [ -x "$j" ] || continue
    m=$(java_major "$j")
    [ -n "$m" ] && [ "$m" -ge 17 ] && return 0
  done
  return 1
}
if have; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: no Java 17+ found and cannot install it here (needs root and apt-get); the Spark tests will be skipped" >&2
  exit 0
fi
pkg=openjdk-17-jre-headless
if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update -qq >/dev/null 2>&1
fi
if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  # Debian releases after bookworm carry 21 (or later) instead: any 17+ runtime does.
  pkg=$(apt-cache search --names-only '^openjdk-[0-9]+-jre-headless$' 2>/dev/null | awk '{print $1}' \
    | sed -n 's/^openjdk-\([0-9]*\)-jre-headless$/\1 &/p' | awk '$1 >= 17 {print $2}' | sort -V | head -n1)
fi
if [ -z "$pkg" ]; then
  echo "note: apt has no openjdk 17+ runtime; the Spark tests will be skipped" >&2
  exit 0
fi
echo "installing Debian's $pkg for the Spark backend's tests..." >&2
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null) \
  || echo "note: apt-get install $pkg failed; the Spark tests will be skipped" >&2
exit 0
