#!/usr/bin/env bash
# Writes help2man's include file for TOOL: a COMMANDS section holding, for
# every command that 'TOOL --help' lists, what 'TOOL COMMAND --help'
# prints (so the man page says what --help says, word for word), then the
# sections of EXTRA (an include file of fixed text) when given.
#
# usage: commands.sh TOOL OUT [EXTRA]
set -euo pipefail
tool=$1 out=$2 extra=${3:-}
# roff: a backslash is \e; a line starting with . or ' is protected by \&
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  echo "[COMMANDS]"
  "$tool" --help | awk '/^commands:$/ {on = 1; next} on && /^$/ {exit} on {print $1}' |
    while read -r cmd; do
      echo ".SS $cmd"
      echo ".nf"
      "$tool" "$cmd" --help | roff
      echo ".fi"
    done
  [ -z "$extra" ] || cat "$extra"
} >"$out.tmp"
mv "$out.tmp" "$out"
