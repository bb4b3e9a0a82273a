# crossing.awk: reads an SVG client chart and prints each line or mark the
# alert zone's label ("alert zone: under X") lies on, then how many there
# were.  The lines are the polylines drawn wider than the 1-point grid,
# axes and zone edge (the fitted line, the series, the repairs; the
# legend's keys are far below the plot); a polyline is taken piece by
# piece.  The label's box is estimated as in overlap.awk (half its font
# size per character wide, 0.7 of it high above the baseline), widened by
# one point on each side, so that a line through the letters is found
# whatever the font.
function attr(s, name,   re) {
  re = " " name "=\"[^\"]*\""
  if (!match(s, re)) return ""
  return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}
# whether the segment (ax,ay)-(bx,by) meets the label's box (Liang-Barsky)
function seg_hits(ax, ay, bx, by,   dx, dy, p, q, t0, t1, i, t) {
  dx = bx - ax; dy = by - ay
  p[1] = -dx; q[1] = ax - lx0; p[2] = dx; q[2] = lx1 - ax
  p[3] = -dy; q[3] = ay - ly0; p[4] = dy; q[4] = ly1 - ay
  t0 = 0; t1 = 1
  for (i = 1; i <= 4; i++) {
    if (p[i] == 0) { if (q[i] < 0) return 0; continue }
    t = q[i] / p[i]
    if (p[i] < 0) { if (t > t1) return 0; if (t > t0) t0 = t }
    else { if (t < t0) return 0; if (t < t1) t1 = t }
  }
  return t0 <= t1
}
/<text / && /alert zone: under/ {
  t = $0; sub(/^.*<text[^>]*>/, "", t); sub(/<\/text>.*$/, "", t)
  size = attr($0, "font-size") + 0; x = attr($0, "x") + 0; y = attr($0, "y") + 0
  lx0 = x - 1; lx1 = x + 0.5 * size * length(t) + 1; ly0 = y - 0.7 * size - 1; ly1 = y + 1
  label = 1
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
  if (!label) { print "no alert zone label"; exit }
  found = 0
  for (i = 1; i <= nl; i++) {
    np = split(pts[i], xy, /[ ,]/)
    for (k = 1; k + 3 <= np; k += 2)
      if (seg_hits(xy[k] + 0, xy[k + 1] + 0, xy[k + 2] + 0, xy[k + 3] + 0)) {
        found++
        printf "the label covers the line %s,%s %s,%s\n", xy[k], xy[k + 1], xy[k + 2], xy[k + 3]
      }
  }
  for (i = 1; i <= nc; i++)
    if (cx[i] - cr[i] < lx1 && lx0 < cx[i] + cr[i] && cy[i] - cr[i] < ly1 && ly0 < cy[i] + cr[i]) {
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
    if (x0 < lx1 && lx0 < x1 && y0 < ly1 && ly0 < y1) {
      found++
      printf "the label covers the mark at %.0f,%.0f\n", x0, y0
    }
  }
  print "lines and marks under the alert zone's label: " found
}
