#!/usr/bin/env bash
# The Debian package of this build tree: CPack's DEB generator (what scripts/package
# runs after its own Release build) on BUILD_DIR, into a temporary directory. Checks
# that it holds only the binary and the man page and declares its shared libraries
# (Depends: libcurl4, ...), then installs it and scans samples/ with the installed
# binary. As root with apt-get, and with no tiff-dumper package installed already:
# `apt-get install ./tiff-dumper_*.deb`, /usr/bin/tiff-dumper, then `dpkg --purge`
# (also on failure). Otherwise the package is unpacked with `dpkg-deb -x` and the
# unpacked binary runs, said so on stdout.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (scripts/install-deps)"; exit 77; }
done

tmp=$(mktemp -d)
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    dpkg --purge tiff-dumper >/dev/null || echo "FAIL: dpkg --purge tiff-dumper failed: remove it by hand" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb="$tmp/pkg/tiff-dumper_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "no $deb (cpack made: $(ls "$tmp/pkg"))"
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Control: name, version, section, and the shared libraries dpkg-shlibdeps found.
info=$(dpkg-deb -I "$deb")
echo "$info" | grep -E '^ (Package|Version|Section|Depends):'
grep -q '^ Package: tiff-dumper$' <<<"$info" || fail "Package is not tiff-dumper"
grep -q "^ Version: $version\$" <<<"$info" || fail "Version is not $version"
grep -q '^ Section: utils$' <<<"$info" || fail "Section is not utils"
depends=$(echo "$info" | sed -n 's/^ Depends: //p')
for lib in libcurl4 libyaml-cpp libzstd1 libsnappy1v5 libc6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

# Contents: the binary and the man page, nothing else.
files=$(dpkg-deb -c "$deb" | awk '{print $NF}' | grep -v '/$' | sort)
expected=$(printf '%s\n' ./usr/bin/tiff-dumper ./usr/share/man/man1/tiff-dumper.1)
[ "$files" = "$expected" ] || fail "package files:
$files
expected:
$expected"

# A tiff-dumper package already on the machine (in any state) is the user's: left alone.
status=$(dpkg-query -W -f='${Status}' tiff-dumper 2>/dev/null || true)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && { [ -z "$status" ] || [ "${status##* }" = not-installed ]; }; then
  installed=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$tmp/apt.log" 2>&1 ||
    { cat "$tmp/apt.log" >&2; fail "apt-get install $deb failed"; }
  bin=/usr/bin/tiff-dumper
  [ -f /usr/share/man/man1/tiff-dumper.1 ] || fail "man page not installed"
  echo "installed system-wide with apt-get (purged again at the end)"
else
  dpkg-deb -x "$deb" "$tmp/root"
  bin="$tmp/root/usr/bin/tiff-dumper"
  echo "NOTE: not installed system-wide (not root, no apt-get, or a tiff-dumper package is already" \
       "installed); running the binary unpacked with dpkg-deb -x"
fi

out=$("$bin" --version) || fail "$bin --version exited $?"
[ "$out" = "tiff-dumper $version" ] || fail "--version printed '$out', expected 'tiff-dumper $version'"
echo "$bin --version: $out"

samples=$(find "$src/samples" -type f \( -iname '*.tif' -o -iname '*.tiff' \) | wc -l)
mkdir "$tmp/out"
rc=0
"$bin" headers --store "$src/samples" "$tmp/out" --quiet 2>"$tmp/headers.log" || rc=$?
[ "$rc" = 0 ] || { cat "$tmp/headers.log" >&2; fail "headers exited $rc"; }
grep "summary:" "$tmp/headers.log"
grep -q "summary: listed $samples, ok $samples, errors 0" "$tmp/headers.log" ||
  fail "summary does not report $samples samples read"
ls "$tmp/out"/part-*.parquet >/dev/null 2>&1 || fail "no part-*.parquet in the output"

if [ "$installed" = 1 ]; then
  dpkg --purge tiff-dumper >/dev/null || fail "dpkg --purge tiff-dumper failed"
  installed=0
  [ ! -e /usr/bin/tiff-dumper ] || fail "/usr/bin/tiff-dumper left after dpkg --purge"
  echo "purged"
fi
echo "OK: $(basename "$deb"): its binary runs and scans $samples samples"
