# Helpers for end-to-end cases (sourced by case.sh inside the case's directory).

# show CMD ARGS...: runs the command and prints its stdout, then its stderr
# (each line marked "! "), then its exit code when not 0.
show() {
  local out err rc
  out=$(mktemp) err=$(mktemp)
  "$@" >"$out" 2>"$err"
  rc=$?
  cat "$out"
  sed 's/^/! /' "$err"
  [ "$rc" -eq 0 ] || echo "[exit $rc]"
  rm -f "$out" "$err"
  return 0
}

# run CMD ARGS...: prints the command, then shows what it does.
run() {
  echo "\$ $*"
  show "$@"
}

# feed INPUT CMD ARGS...: like run, with INPUT (printf %b) on standard input.
feed() {
  local input=$1
  shift
  echo "\$ $* <<< $(printf '%q' "$input")"
  printf '%b' "$input" | show "$@"
}

# setup CMD ARGS...: a step that prepares a case, run quietly; what it
# printed is shown only when it fails.
setup() {
  local out
  out=$("$@" 2>&1) || printf 'setup failed: %s\n%s\n' "$*" "$out"
}

# sql QUERY: a read-only look into the store, for checking what was kept.
sql() {
  echo "\$ sqlite3 $(basename "${ATTUNE_DB:-attune.db}") \"$1\""
  sqlite3 -readonly -csv "${ATTUNE_DB:-attune.db}" "$1"
}

# fingerprint FILE: a checksum, to show a file was left as it was.
fingerprint() {
  sha256sum "$1" | cut -c1-16
}
