# fit_span.awk: reads an SVG repair picture and prints, for each panel and
# each fitted line in it, the weeks its ends lie at (and the share there)
# and the first and last week its rate has a mark in.  A mark's week is
# read from its id (THERAPIST-rup-wN, THERAPIST-res-wN), its share from its
# title ("week N: A of B ...") and its place from its circle's centre or
# its square's corners; a line's ends are turned into weeks and shares
# through two marks of the panel at different weeks and two at different
# shares (the axes are linear).
function attr(s, name,   re) {
  re = " " name "=\"[^\"]*\""
  if (!match(s, re)) return ""
  return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}
function week_of(px) {
  return sprintf("%.2f", wa + (px - pa) * (wb - wa) / (pb - pa)) + 0
}
function share_of(py) {
  return sprintf("%.1f%%", 100 * (ra + (py - qa) * (rb - ra) / (qb - qa)))
}
function flush(   i, k, lo, hi, n, p) {
  for (i = 1; i <= nfit; i++) {
    k = fitcls[i]; lo = ""; hi = ""
    for (w in seen)
      if (substr(w, 1, length(k) + 1) == k SUBSEP) {
        split(w, p, SUBSEP)
        if (lo == "" || p[2] + 0 < lo) lo = p[2] + 0
        if (hi == "" || p[2] + 0 > hi) hi = p[2] + 0
      }
    n = split(fitpts[i], p, /[ ,]/)
    printf "%s: %s from week %s (%s) to %s (%s); its marks in weeks %s to %s\n", panel,
      fitlab[i], week_of(p[1]), share_of(p[2]), week_of(p[n - 1]), share_of(p[n]), lo, hi
  }
  nfit = 0; split("", seen); wa = wb = pa = pb = ra = rb = qa = qb = ""
}
/<g class="panel"/ { if (panel != "") flush(); panel = attr($0, "id") }
/<g class="fit">/ {
  lab = $0; sub(/^.*<title>/, "", lab); sub(/<\/title>.*$/, "", lab)
  nfit++; fitlab[nfit] = lab
  fitcls[nfit] = lab ~ /resolved rate/ ? "resolved-rate" : "rupture-rate"
  getline; fitpts[nfit] = attr($0, "points")
}
/<g class="(rupture|resolved)-rate"/ {
  cls = attr($0, "class"); id = attr($0, "id"); sub(/^.*-w/, "", id)
  t = $0; sub(/^.*<title>week [0-9]*: /, "", t); split(t, f, " ")
  rate = f[1] / f[3]
  getline
  if ($0 ~ /<circle /) { px = attr($0, "cx") + 0; py = attr($0, "cy") + 0 }
  else { split(attr($0, "points"), q, /[ ,]/); px = (q[1] + q[3]) / 2; py = (q[2] + q[6]) / 2 }
  seen[cls, id + 0] = 1
  if (wa == "") { wa = id + 0; pa = px }
  else if (wb == "" && id + 0 != wa) { wb = id + 0; pb = px }
  if (ra == "") { ra = rate; qa = py }
  else if (rb == "" && rate != ra) { rb = rate; qb = py }
}
END { if (panel != "") flush() }
