# Helpers for end-to-end cases (sourced by case.sh inside the case's directory).

# run CMD ARGS...: prints the command, its stdout and stderr (stderr lines
# marked "! "), and its exit code when not 0.
run() {
  echo "\$ $*"
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

# feed INPUT CMD ARGS...: like run, with INPUT (printf %b) on standard input.
feed() {
  local input=$1
  shift
  echo "\$ $* <<< $(printf '%q' "$input")"
  local out err rc
  out=$(mktemp) err=$(mktemp)
  printf '%b' "$input" | "$@" >"$out" 2>"$err"
  rc=$?
  cat "$out"
  sed 's/^/! /' "$err"
  [ "$rc" -eq 0 ] || echo "[exit $rc]"
  rm -f "$out" "$err"
  return 0
}

# sql QUERY: a read-only look into the store, for checking what was kept.
sql() {
  echo "\$ sqlite3 attune.db \"$1\""
  sqlite3 -readonly -csv attune.db "$1"
}

# fingerprint FILE: a checksum, to show a file was left as it was.
fingerprint() {
  sha256sum "$1" | cut -c1-16
}
