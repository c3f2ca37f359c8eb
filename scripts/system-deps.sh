#!/usr/bin/env bash
# WeasyPrint draws text with Pango and subsets fonts with HarfBuzz: system libraries that
# pip cannot install. Install them with apt-get when they are missing (Debian/Ubuntu, root
# or sudo); elsewhere, say what is needed.
set -euo pipefail

missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1\.0\.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1\.0\.so' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so' || missing+=(libharfbuzz-subset0)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system libraries for WeasyPrint: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "reportgen needs these system libraries for WeasyPrint: ${missing[*]}" >&2
  echo "See https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation" >&2
  exit 1
fi
