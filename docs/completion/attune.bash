# bash completion for collect and analyze (attune).
#
# Commands and subcommands are read from the tools' own --help; a command's
# options from its option table ('TOOL CMD [SUB] --complete-options'), or
# from its --help when it has no table; the choices of an option (--format
# wide|long|redcap) from its usage line; so all of it follows the tools; instrument names and client, therapist and session codes come
# from the study (the --db given on the line, else $ATTUNE_DB or
# ./attune.db) through 'collect ... list --csv', and the links that can be revoked through
# 'collect invite list --csv'.  Installed as
# share/bash-completion/completions/collect and .../analyze.

# _attune_help TOOL [CMD]: the help text (empty when the tool fails)
_attune_help()
{
    "$@" --help 2>/dev/null
}

# _attune_commands TOOL: the commands 'TOOL --help' lists
_attune_commands()
{
    _attune_help "$1" | awk '/^commands:$/ {on = 1; next} on && /^$/ {exit} on {print $1}'
}

# _attune_subcommands TOOL CMD: the words after "TOOL [--db FILE] CMD" in its usage lines
_attune_subcommands()
{
    _attune_help "$1" "$2" | sed -n -E "s/^(usage:)? *$1 (\[--db FILE\] )?$2 ([a-z]+)( .*)?\$/\\3/p" |
        grep -v -x -E '[A-Z_.|]+' | sort -u
}

# _attune_table TOOL CMD [SUB]: the command's option table, "NAME [METAVAR]"
# a line (nothing when the command has none)
_attune_table()
{
    "$@" --complete-options 2>/dev/null
}

# _attune_options TOOL CMD [SUB]: every option of the command
_attune_options()
{
    local table
    table=$(_attune_table "$@")
    if [ -n "$table" ]; then
        printf '%s\n' "$table" | cut -d' ' -f1 | sort -u
        return
    fi
    _attune_help "$1" "$2" | grep -o -E '(^|[[ ,(])(--[a-z][a-z-]*|-o)' |
        sed -E 's/^[[ ,(]//' | sort -u
}

# _attune_takes_value TOOL CMD SUB OPTION: whether OPTION is followed by a value
_attune_takes_value()
{
    local table
    table=$(_attune_table "$1" "$2" ${3:+"$3"})
    if [ -n "$table" ]; then
        printf '%s\n' "$table" | grep -q -E -- "^$4 [^ ]"
        return
    fi
    _attune_help "$1" "$2" | grep -q -E -- "$4[ =][A-Za-z]"
}

# _attune_choices TOOL CMD SUB OPTION: the X|Y|Z its option table or its
# help gives after OPTION
_attune_choices()
{
    local tool=$1 cmd=$2 sub=$3 opt=$4 choices
    local pattern="[a-z][a-z0-9,-]*(\\|[a-z][a-z0-9,-]*)+"
    choices=$(_attune_table "$tool" "$cmd" ${sub:+"$sub"} | grep -E -- "^$opt $pattern\$" |
        head -1 | cut -d' ' -f2)
    [ -n "$choices" ] ||
        choices=$(_attune_help "$tool" "$cmd" | grep -o -E -- "$opt[ =]$pattern" | head -1 |
            sed -E "s/^$opt[ =]//")
    printf '%s\n' "$choices" | tr '|' '\n'
}

# _attune_study WHAT [ARGS]: codes from the study, first column of a list
_attune_study()
{
    local what=$1
    shift
    collect "${_attune_db[@]}" "$what" list --csv "$@" 2>/dev/null | tail -n +2 | cut -d, -f1 |
        sort -u
}

_attune_instruments()
{
    collect "${_attune_db[@]}" instrument list --csv 2>/dev/null | tail -n +2 | cut -d, -f1 | sort -u
}

_attune_complete()
{
    local tool=${COMP_WORDS[0]##*/}
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # the global options, the command and its subcommand
    local i=1 cmd= sub= client=
    _attune_db=()
    while [ "$i" -lt "$COMP_CWORD" ]; do
        case ${COMP_WORDS[i]} in
        --db | --who)
            [ "${COMP_WORDS[i]}" = --db ] && _attune_db=(--db "${COMP_WORDS[i + 1]}")
            i=$((i + 2))
            continue
            ;;
        --db=*) _attune_db=(--db "${COMP_WORDS[i]#--db=}") ;;
        -*) ;;
        *) [ -z "$cmd" ] && { cmd=${COMP_WORDS[i]}; i=$((i + 1)); break; } ;;
        esac
        i=$((i + 1))
    done
    local j=$i
    while [ "$j" -lt "$COMP_CWORD" ]; do
        [ "${COMP_WORDS[j]}" = --client ] && client=${COMP_WORDS[j + 1]}
        j=$((j + 1))
    done

    if [ -z "$cmd" ]; then
        case $prev in
        --db) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
        --who) return 0 ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_attune_table "$tool" | cut -d' ' -f1 | grep -v -x -- -h)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_attune_commands "$tool")" -- "$cur"))
        fi
        return 0
    fi

    # a word that is not one of the subcommands is the command's argument
    # ('collect invite INSTRUMENT' beside 'invite list' and 'invite revoke ID')
    local subs
    subs=$([ "$tool" = collect ] && _attune_subcommands "$tool" "$cmd")
    if [ -n "$subs" ] && [ "$i" -lt "$COMP_CWORD" ] &&
        printf '%s\n' "$subs" | grep -q -x -F -- "${COMP_WORDS[i]}"; then
        sub=${COMP_WORDS[i]}
    fi
    if [ -n "$subs" ] && [ "$i" -eq "$COMP_CWORD" ]; then
        COMPREPLY=($(compgen -W "$subs $([ "$cmd" = invite ] && _attune_instruments)" -- "$cur"))
        return 0
    fi

    # the value of an option
    case $prev in
    --client)
        COMPREPLY=($(compgen -W "$(_attune_study client)" -- "$cur"))
        return 0
        ;;
    --therapist)
        COMPREPLY=($(compgen -W "$(_attune_study therapist)" -- "$cur"))
        return 0
        ;;
    --session | --number | --from-session)
        [ -n "$client" ] &&
            COMPREPLY=($(compgen -W "$(collect "${_attune_db[@]}" session list --csv --client "$client" 2>/dev/null |
                tail -n +2 | cut -d, -f2)" -- "$cur"))
        return 0
        ;;
    --cohort)
        COMPREPLY=($(compgen -W "$(collect "${_attune_db[@]}" therapist list --csv 2>/dev/null |
            tail -n +2 | cut -d, -f2 | grep -v '^$' | sort -u)" -- "$cur"))
        return 0
        ;;
    --instrument)
        COMPREPLY=($(compgen -W "$(_attune_instruments)" -- "$cur"))
        return 0
        ;;
    -o | --output | --ranef | --tls-cert | --tls-key)
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
        ;;
    --out-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
        ;;
    --rater)
        local raters
        raters=$(_attune_choices "$tool" "$cmd" "$sub" --rater)
        [ -n "$raters" ] || raters="client therapist observer $([ "$tool" = analyze ] && echo all)"
        COMPREPLY=($(compgen -W "$raters" -- "$cur"))
        return 0
        ;;
    -*)
        if _attune_takes_value "$tool" "$cmd" "$sub" "$prev"; then
            local choices
            choices=$(_attune_choices "$tool" "$cmd" "$sub" "$prev")
            [ -n "$choices" ] && COMPREPLY=($(compgen -W "$choices" -- "$cur"))
            # another value: nothing to offer, but no option either
            return 0
        fi
        ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_attune_options "$tool" "$cmd" ${sub:+"$sub"})" -- "$cur"))
        return 0
    fi

    # the first argument of a command that names an instrument or a code
    local args=0 k=$((i + (${#sub} > 0 ? 1 : 0)))
    while [ "$k" -lt "$COMP_CWORD" ]; do
        case ${COMP_WORDS[k]} in
        -*) _attune_takes_value "$tool" "$cmd" "$sub" "${COMP_WORDS[k]}" && k=$((k + 1)) ;;
        *) args=$((args + 1)) ;;
        esac
        k=$((k + 1))
    done
    case $tool/$cmd/$sub/$args in
    collect/run//0 | collect/import//0 | collect/export//0 | collect/amend//0 | collect/invite//0 | \
        collect/instrument/show/0 | collect/instrument/export/0)
        COMPREPLY=($(compgen -W "$(_attune_instruments)" -- "$cur"))
        ;;
    collect/instrument/add/0)
        COMPREPLY=($(compgen -W "$(collect instrument shipped 2>/dev/null | tail -n +2 | cut -d, -f1)" -- "$cur")
                   $(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur"))
        ;;
    collect/import//1)
        COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur"))
        ;;
    collect/client/set/0)
        COMPREPLY=($(compgen -W "$(_attune_study client)" -- "$cur"))
        ;;
    collect/therapist/set/0)
        COMPREPLY=($(compgen -W "$(_attune_study therapist)" -- "$cur"))
        ;;
    collect/invite/revoke/0)
        # the links that can still be revoked: pending or started
        COMPREPLY=($(compgen -W "$(collect "${_attune_db[@]}" invite list --csv 2>/dev/null |
            awk -F, 'NR > 1 && ($NF == "pending" || $NF == "started") {print $1}')" -- "$cur"))
        ;;
    esac
    return 0
}

complete -F _attune_complete collect analyze
