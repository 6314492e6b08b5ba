#!/usr/bin/env bash
# Install Debian's Chromium for the report's browser test when it is missing (root only; never a
# browser download by a test tool). Prints what it did; never fails the build: without Chromium the
# browser test is skipped with its reason.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: /usr/bin/chromium missing and cannot install it here; the browser test will be skipped" >&2
  exit 0
fi
echo "installing Debian's chromium for the report's browser test..." >&2
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
  || echo "note: apt-get install chromium failed; the browser test will be skipped" >&2
exit 0
