#!/usr/bin/env bash
# cmake --install into a fresh prefix: the tools, the shipped instruments,
# the man pages and the bash completion land where GNUInstallDirs puts
# them, and the installed collect finds a shipped instrument by name in its
# own share folder (not in the source tree, which it must not look in).
#
# usage: install.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/attune-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
bindir=$(grep -E '^CMAKE_INSTALL_BINDIR:' "$build/CMakeCache.txt" | cut -d= -f2)
bin="$prefix/${bindir:-bin}"

for f in "$bin/collect" "$bin/analyze" "$bin/attune-simulate"; do
  [ -x "$f" ] || fail "$f is not installed"
done
share="$prefix/share/attune/instruments"
for f in "$top"/instruments/*.csv "$top/instruments/README.md"; do
  cmp -s "$f" "$share/$(basename "$f")" || fail "$share/$(basename "$f") is not the shipped file"
done

# the bash completion, under both names, where bash-completion looks
completions=$(grep -E '^ATTUNE_BASH_COMPLETION_DIR:' "$build/CMakeCache.txt" | cut -d= -f2)
case $completions in /*) ;; *) completions="$prefix/$completions" ;; esac
for tool in collect analyze; do
  cmp -s "$top/docs/completion/attune.bash" "$completions/$tool" ||
    fail "the bash completion is not installed as $completions/$tool"
done

# the man pages, when this build makes them (help2man found), and that they
# hold every command's own --help
if grep -q '^ATTUNE_MAN_BUILT:INTERNAL=ON' "$build/CMakeCache.txt"; then
  for tool in collect analyze; do
    page="$prefix/share/man/man1/$tool.1"
    [ -s "$page" ] || { fail "$page is not installed"; continue; }
    if command -v man >/dev/null; then
      text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
      for cmd in $("$bin/$tool" --help | awk '/^commands:$/ {on = 1; next} on && /^$/ {exit} on {print $1}'); do
        first=$("$bin/$tool" "$cmd" --help | head -1 | sed 's/  */ /g')
        printf '%s\n' "$text" | sed 's/  */ /g' | grep -qF -- "$first" ||
          fail "$tool(1) lacks the help of '$cmd' ($first)"
      done
    fi
  done
fi

# the installed collect, run from elsewhere, with no way into the source tree
# but its own share folder
cd "$work"
export ATTUNE_DB="$work/study.db"
unset ATTUNE_INSTRUMENTS
"$bin/collect" init >/dev/null || fail "installed collect init"
out=$("$bin/collect" instrument add client_post_session 2>&1) ||
  fail "installed collect does not find client_post_session: $out"
case "$out" in "added client_post_session version 1 "*) ;; *) fail "instrument add said: $out" ;; esac
"$bin/collect" instrument add therapist_post_session.csv >/dev/null 2>&1 ||
  fail "installed collect does not find therapist_post_session.csv"
listed=$("$bin/collect" instrument shipped | cut -d, -f4 | tail -n +2 | sort -u)
expect=$(for f in "$top"/instruments/*.csv; do echo "$share/$(basename "$f")"; done | sort)
[ "$listed" = "$expect" ] || fail "instrument shipped lists
$listed
not
$expect"
# a copy of the installed tree elsewhere still finds its own files
cp -a "$prefix" "$work/moved"
rm -rf "$prefix"
out=$("$work/moved/${bindir:-bin}/collect" --db "$work/moved.db" init >/dev/null &&
      "$work/moved/${bindir:-bin}/collect" --db "$work/moved.db" instrument add srs_template 2>&1) ||
  fail "a moved install does not find srs_template: $out"
# a name that is nowhere is a clear failure
out=$("$work/moved/${bindir:-bin}/collect" --db "$work/moved.db" instrument add no_such_form 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "an unknown name exits $rc, not 1"
case "$out" in *"no shipped instrument of that name"*) ;; *) fail "an unknown name says: $out" ;; esac

[ "$failed" = 0 ] && echo "install: every file in place"
exit "$failed"
