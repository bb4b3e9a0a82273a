# crossing.awk: reads an SVG client chart and prints each line or mark the
# alert zone's label ("alert zone: under X") lies on, then how many there
# were; with -v drops=1, each line that a drop's label (its size, "âX...")
# lies on instead (the marks beside it are not looked at: the label sits
# by its own).  The lines are the polylines drawn wider than the 1-point
# grid, axes and zone edge (the fitted line, the series, the repairs; the
# legend's keys are far below the plot); a polyline is taken piece by
# piece.  A label's box is estimated as in overlap.awk (half its font size
# per character wide, 0.7 of it high above the baseline), widened by one
# point on each side, so that a line through the letters is found
# whatever the font.
function attr(s, name,   re) {
  re = " " name "=\"[^\"]*\""
  if (!match(s, re)) return ""
  return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}
# whether the segment (ax,ay)-(bx,by) meets label j's box (Liang-Barsky)
function seg_hits(ax, ay, bx, by, j,   dx, dy, p, q, t0, t1, i, t) {
  dx = bx - ax; dy = by - ay
  p[1] = -dx; q[1] = ax - lx0[j]; p[2] = dx; q[2] = lx1[j] - ax
  p[3] = -dy; q[3] = ay - ly0[j]; p[4] = dy; q[4] = ly1[j] - ay
  t0 = 0; t1 = 1
  for (i = 1; i <= 4; i++) {
    if (p[i] == 0) { if (q[i] < 0) return 0; continue }
    t = q[i] / p[i]
    if (p[i] < 0) { if (t > t1) return 0; if (t > t0) t0 = t }
    else { if (t < t0) return 0; if (t < t1) t1 = t }
  }
  return t0 <= t1
}
/<text / && (drops ? />\xe2\x88\x92[0-9]/ : /alert zone: under/) {
  t = $0; sub(/^.*<text[^>]*>/, "", t); sub(/<\/text>.*$/, "", t); gsub(/\xe2\x88\x92/, "-", t)
  size = attr($0, "font-size") + 0; x = attr($0, "x") + 0; y = attr($0, "y") + 0
  nlab++; text[nlab] = t
  lx0[nlab] = x - 1; lx1[nlab] = x + 0.5 * size * length(t) + 1
  ly0[nlab] = y - 0.7 * size - 1; ly1[nlab] = y + 1
}
/<polyline / && attr($0, "stroke-width") != "1" {
  nl++; pts[nl] = attr($0, "points")
}
/<circle / {
  nc++; cx[nc] = attr($0, "cx") + 0; cy[nc] = attr($0, "cy") + 0; cr[nc] = attr($0, "r") + 0
}
/<polygon / {
  ng++; poly[ng] = attr($0, "points")
}
END {
  if (!nlab) { print drops ? "no drop label" : "no alert zone label"; exit }
  found = 0
  for (j = 1; j <= nlab; j++) {
    for (i = 1; i <= nl; i++) {
      np = split(pts[i], xy, /[ ,]/)
      for (k = 1; k + 3 <= np; k += 2)
        if (seg_hits(xy[k] + 0, xy[k + 1] + 0, xy[k + 2] + 0, xy[k + 3] + 0, j)) {
          found++
          printf "the label %s covers the line %s,%s %s,%s\n", text[j], xy[k], xy[k + 1], xy[k + 2], xy[k + 3]
        }
    }
    if (drops)
      continue
    for (i = 1; i <= nc; i++)
      if (cx[i] - cr[i] < lx1[j] && lx0[j] < cx[i] + cr[i] && cy[i] - cr[i] < ly1[j] && ly0[j] < cy[i] + cr[i]) {
        found++
        printf "the label covers the mark at %s,%s\n", cx[i], cy[i]
      }
    for (i = 1; i <= ng; i++) {
      np = split(poly[i], xy, /[ ,]/)
      x0 = y0 = 1e9; x1 = y1 = -1e9
      for (k = 1; k < np; k += 2) {
        if (xy[k] + 0 < x0) x0 = xy[k] + 0; if (xy[k] + 0 > x1) x1 = xy[k] + 0
        if (xy[k + 1] + 0 < y0) y0 = xy[k + 1] + 0; if (xy[k + 1] + 0 > y1) y1 = xy[k + 1] + 0
      }
      if (x0 < lx1[j] && lx0[j] < x1 && y0 < ly1[j] && ly0[j] < y1) {
        found++
        printf "the label covers the mark at %.0f,%.0f\n", x0, y0
      }
    }
  }
  if (drops)
    print "lines under a drop's label, of " nlab ": " found
  else
    print "lines and marks under the alert zone's label: " found
}
