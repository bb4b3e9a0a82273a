# zones.awk: reads an SVG client chart and prints its alert zones (the
# shaded rectangles of the plot), its version lines, its fitted line and
# its marks of questionnaires not scored, in the chart's own units: a
# zone's top as a score and its ends as session numbers, a version line's
# place as a session number and its title, the fitted line's ends as
# session numbers, a mark not scored by its session number and title.  The units come from the
# score marks (class "session": the session from the id sN, the score from
# the title "...: alliance X", the place from the circle's centre), through
# two marks at different sessions and two at different scores (the axes
# are linear); values rounded to two decimals.
function attr(s, name,   re) {
  re = " " name "=\"[^\"]*\""
  if (!match(s, re)) return ""
  return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}
function sess(px) { return sprintf("%.2f", sa + (px - pa) * (sb - sa) / (pb - pa)) + 0 }
function score(py) { return sprintf("%.2f", va + (py - qa) * (vb - va) / (qb - qa)) + 0 }
/<rect / && attr($0, "fill") == "#f7decc" && attr($0, "width") != "24" {
  nz++; zx[nz] = attr($0, "x"); zw[nz] = attr($0, "width"); zy[nz] = attr($0, "y")
}
/<g class="version">/ {
  t = $0; sub(/^.*<title>/, "", t); sub(/<\/title>.*$/, "", t)
  getline; split(attr($0, "points"), p, /[ ,]/)
  nv++; vx[nv] = p[1]; vt[nv] = t
}
/<g class="fit">/ {
  getline; split(attr($0, "points"), p, /[ ,]/); fx0 = p[1]; fx1 = p[3]; nf++
}
/<g class="unscored"/ {
  t = $0; sub(/^.*<title>/, "", t); sub(/<\/title>.*$/, "", t)
  getline; nu++; ux[nu] = attr($0, "cx"); ut[nu] = t
}
/<g class="session" id="s[0-9]*">/ {
  id = attr($0, "id"); sub(/^s/, "", id)
  v = $0; sub(/^.*alliance /, "", v); sub(/<.*$/, "", v)
  getline; px = attr($0, "cx"); py = attr($0, "cy")
  if (sa == "") { sa = id + 0; pa = px } else if (sb == "" && id + 0 != sa) { sb = id + 0; pb = px }
  if (va == "") { va = v + 0; qa = py } else if (vb == "" && v + 0 != va) { vb = v + 0; qb = py }
}
END {
  for (i = 1; i <= nz; i++)
    printf "alert zone under %s from session %s to %s\n", score(zy[i]), sess(zx[i]), sess(zx[i] + zw[i])
  for (i = 1; i <= nv; i++)
    printf "version line at session %s: %s\n", sess(vx[i]), vt[i]
  if (nf)
    printf "fitted line from session %s to %s\n", sess(fx0), sess(fx1)
  for (i = 1; i <= nu; i++)
    printf "mark at session %s: %s\n", sess(ux[i]), ut[i]
}
