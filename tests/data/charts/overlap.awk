# overlap.awk: reads an SVG chart and prints each text that covers a mark
# (a polygon or circle) or another text, then how many there were.  A
# text's box is estimated from below: half its font size per character
# wide, 0.7 of it high above the baseline, so that what is printed is an
# overlap in the picture too, whatever the font.  Rotated texts are left out.
function attr(s, name,   re) {
  re = " " name "=\"[^\"]*\""
  if (!match(s, re)) return ""
  return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}
function chars(t,   n, i, c) {
  gsub(/&[#a-z0-9]+;/, "x", t)
  n = 0
  for (i = 1; i <= length(t); i++) {
    c = substr(t, i, 1)
    if (c < "\200" || c >= "\300") n++   # a UTF-8 character's first byte
  }
  return n
}
function hit(a, b) {
  return x0[a] < x1[b] && x0[b] < x1[a] && y0[a] < y1[b] && y0[b] < y1[a]
}
/<polygon / {
  p = attr($0, "points"); np = split(p, xy, /[ ,]/)
  for (i = 1; i <= np; i++) xy[i] += 0
  n++; kind[n] = "mark"; what[n] = "polygon"
  x0[n] = y0[n] = 1e9; x1[n] = y1[n] = -1e9
  for (i = 1; i < np; i += 2) {
    if (xy[i] < x0[n]) x0[n] = xy[i]; if (xy[i] > x1[n]) x1[n] = xy[i]
    if (xy[i + 1] < y0[n]) y0[n] = xy[i + 1]; if (xy[i + 1] > y1[n]) y1[n] = xy[i + 1]
  }
}
/<circle / {
  n++; kind[n] = "mark"; what[n] = "circle"
  cx = attr($0, "cx") + 0; cy = attr($0, "cy") + 0; r = attr($0, "r") + 0
  x0[n] = cx - r; x1[n] = cx + r; y0[n] = cy - r; y1[n] = cy + r
}
/<text / && !/transform=/ {
  t = $0; sub(/^.*<text[^>]*>/, "", t); sub(/<\/text>.*$/, "", t)
  size = attr($0, "font-size") + 0; x = attr($0, "x") + 0; y = attr($0, "y") + 0
  w = 0.5 * size * chars(t); anchor = attr($0, "text-anchor")
  n++; kind[n] = "text"; what[n] = "'" t "'"
  x0[n] = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x
  x1[n] = x0[n] + w; y0[n] = y - 0.7 * size; y1[n] = y
}
END {
  found = 0
  for (a = 1; a <= n; a++) {
    if (kind[a] != "text") continue
    for (b = 1; b <= n; b++)
      if (b != a && !(kind[b] == "text" && b < a) && hit(a, b)) {
        found++
        if (found <= 5) printf "%s at %.0f,%.0f covers %s at %.0f,%.0f\n", what[a], x0[a], y1[a], what[b], x0[b], y0[b]
      }
  }
  print "overlaps: " found
}
