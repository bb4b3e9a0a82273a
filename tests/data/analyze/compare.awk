# compare.awk: checks a CSV table against a reference table cell by cell.
#
#   awk -v tol=1e-9 -f compare.awk REFERENCE.csv ACTUAL.csv
#
# Both files must have the same header and the same rows in the same order.
# Cells that are numbers in both files must agree to tol relative (plus
# 1e-12 absolute, for results that are zero up to rounding); other cells
# must be equal after removing CSV quotes.  Prints one line: "agrees with
# REFERENCE (N numbers)" or the first cells that differ; exits 1 on any
# difference.

function split_csv(line, out,    n, i, c, cell, inq) {
    n = 0; cell = ""; inq = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (inq) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { cell = cell "\""; i++ }
                else inq = 0
            } else cell = cell c
        } else if (c == "\"") inq = 1
        else if (c == ",") { out[++n] = cell; cell = "" }
        else cell = cell c
    }
    out[++n] = cell
    return n
}

function is_num(s) {
    return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}

function abs(x) { return x < 0 ? -x : x }

function close_enough(x, y,    m) {
    m = abs(x) > abs(y) ? abs(x) : abs(y)
    return abs(x - y) <= tol * m + 1e-12
}

# Text with numbers in it ("rci r=0.898245614035088 w=3"): the same words,
# and the numbers in them within the tolerance.
function same_words(s, t,    ns, nt, ws, wt, i) {
    ns = split(s, ws, /[ =]/)
    nt = split(t, wt, /[ =]/)
    if (ns != nt)
        return 0
    for (i = 1; i <= ns; i++) {
        if (ws[i] == wt[i])
            continue
        if (!(is_num(ws[i]) && is_num(wt[i]) && close_enough(ws[i] + 0, wt[i] + 0)))
            return 0
        nums++
    }
    return 1
}

BEGIN { if (tol == "") tol = 1e-9; bad = 0; nums = 0 }

FNR == NR { ref[FNR] = $0; nref = FNR; next }

{
    nact = FNR
    if (FNR > nref) { print "extra row " FNR ": " $0; bad++; next }
    nr = split_csv(ref[FNR], r)
    na = split_csv($0, a)
    if (nr != na) { print "row " FNR ": " na " cells, reference has " nr; bad++; next }
    for (i = 1; i <= nr; i++) {
        if (is_num(r[i]) && is_num(a[i])) {
            nums++
            if (!close_enough(r[i] + 0, a[i] + 0)) {
                print "row " FNR " cell " i ": " a[i] ", reference " r[i]; bad++
            }
        } else if (r[i] != a[i] && !same_words(r[i], a[i])) {
            print "row " FNR " cell " i ": '" a[i] "', reference '" r[i] "'"; bad++
        }
    }
}

END {
    if (nact < nref) { print "missing rows: " nact " of " nref; bad++ }
    if (bad) exit 1
    n = split(ARGV[1], parts, "/")
    print "agrees with " parts[n] " (" nums " numbers, tolerance " tol ")"
}
