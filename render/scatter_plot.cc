// Scatter plot layout: square panels (one for a 2-D map; for a 3-D map a rotated view over three
// pairwise panels), legend on the right, greedy label placement.
#include "render/scatter_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>

#include "core/utf8.h"
#include "render/canvas.h"
#include "render/colormap.h"
#include "render/line_chart.h"

namespace embscope {
namespace {

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

constexpr size_t kLabelLimit = 3000;  // above this many points: no labels, density discs
const Rgb kInk{0x20, 0x20, 0x20}, kAxis{0x55, 0x55, 0x55}, kGrid{0xec, 0xec, 0xec};

// Data range of one coordinate, padded by 6 % (a constant coordinate gets +-1).
struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  Range padded() const {
    Range r = *this;
    if (r.hi - r.lo < 1e-12) r.lo -= 1, r.hi += 1;
    const double pad = (r.hi - r.lo) * 0.06;
    return {r.lo - pad, r.hi + pad};
  }
};

// One square panel at (left, top) of side `size` pixels showing 2-D points (x, y).
struct Panel {
  double left = 0, top = 0, size = 0;
  Range xr, yr;
  double px(double x) const { return left + (x - xr.lo) / (xr.hi - xr.lo) * size; }
  double py(double y) const { return top + (yr.hi - y) / (yr.hi - yr.lo) * size; }
};

// Grid, tick labels (font `tick_size`, 0 = none) and the frame.
void draw_axes(Canvas& c, const Panel& g, double tick_size, int n_ticks) {
  const auto xt = nice_ticks(g.xr.lo, g.xr.hi, n_ticks), yt = nice_ticks(g.yr.lo, g.yr.hi, n_ticks);
  const double xs = xt.size() > 1 ? xt[1] - xt[0] : 1, ys = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double t : xt) {
    c.line(g.px(t), g.top, g.px(t), g.top + g.size, kGrid, 1);
    if (tick_size > 0) c.text(g.px(t), g.top + g.size + tick_size + 6, tick_label(t, xs), {tick_size, kAxis, TextAnchor::Middle});
  }
  for (double t : yt) {
    c.line(g.left, g.py(t), g.left + g.size, g.py(t), kGrid, 1);
    if (tick_size > 0) c.text(g.left - 6, g.py(t) + tick_size / 3, tick_label(t, ys), {tick_size, kAxis, TextAnchor::End});
  }
  c.stroke_rect(g.left, g.top, g.size, g.size, kAxis, 1);
}

// Points (xy[i] = their panel coordinates) drawn in `order`, then labels when `labels`.
ScatterResult draw_points(Canvas& c, const Panel& g, const std::vector<ScatterPoint>& pts,
                          const std::vector<std::array<double, 2>>& xy, const std::vector<size_t>& order, double r,
                          bool labels) {
  const bool dense = pts.size() > kLabelLimit;
  const double opacity = dense ? 0.35 : 0.9;
  for (size_t i : order) {
    const double x = g.px(xy[i][0]), y = g.py(xy[i][1]);
    if (pts[i].marked && !dense) c.circle(x, y, r + 2.2, kInk), c.circle(x, y, r + 1.0, {255, 255, 255});
    c.circle(x, y, r, categorical_color(pts[i].category), opacity);
  }
  ScatterResult result;
  if (dense || !labels) {
    for (const auto& pt : pts) result.labels_hidden += !pt.label.empty();
    return result;
  }
  // Every point's disc is an obstacle; labels go where they overlap nothing placed.
  std::vector<Box> taken;
  for (size_t i = 0; i < pts.size(); ++i) {
    const double x = g.px(xy[i][0]), y = g.py(xy[i][1]);
    taken.push_back({x - r, y - r, x + r, y + r});
  }
  const double size = 11, h = size + 2;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].label.empty()) continue;
    const double w = 0.62 * size * static_cast<double>(count_code_points(pts[i].label)) + 2;
    const double cx = g.px(xy[i][0]), cy = g.py(xy[i][1]), gap = r + 2;
    const Box options[] = {{cx + gap, cy - h / 2, cx + gap + w, cy + h / 2}, {cx - gap - w, cy - h / 2, cx - gap, cy + h / 2},
                           {cx - w / 2, cy - gap - h, cx + w / 2, cy - gap}, {cx - w / 2, cy + gap, cx + w / 2, cy + gap + h},
                           {cx + gap, cy - gap - h, cx + gap + w, cy - gap}, {cx - gap - w, cy - gap - h, cx - gap, cy - gap},
                           {cx + gap, cy + gap, cx + gap + w, cy + gap + h}, {cx - gap - w, cy + gap, cx - gap, cy + gap + h}};
    bool placed = false;
    for (const Box& b : options) {
      if (b.x0 < g.left || b.x1 > g.left + g.size || b.y0 < g.top || b.y1 > g.top + g.size) continue;
      if (std::any_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(b); })) continue;
      c.text(b.x0 + 1, b.y1 - 3, pts[i].label, {size, kInk});
      taken.push_back(b);
      placed = true;
      break;
    }
    ++(placed ? result.labels_drawn : result.labels_hidden);
  }
  return result;
}

// Orthographic projection (matplotlib's view): screen right, screen up and depth (towards the
// eye) of a point in normalised data coordinates.
struct View {
  double ca, sa, ce, se;
  View(double azimuth, double elevation) {
    const double a = azimuth * std::numbers::pi / 180, e = elevation * std::numbers::pi / 180;
    ca = std::cos(a), sa = std::sin(a), ce = std::cos(e), se = std::sin(e);
  }
  std::array<double, 3> project(double x, double y, double z) const {
    return {-sa * x + ca * y, -ca * se * x - sa * se * y + ce * z, ca * ce * x + sa * ce * y + se * z};
  }
};

}  // namespace

Result<ScatterResult> write_scatter_plot(const std::string& path, const ScatterPlot& p) {
  if (p.points.empty()) return make_error(ErrorKind::InvalidArgument, path, "a scatter plot needs at least one point");
  if (p.dims != 2 && p.dims != 3)
    return make_error(ErrorKind::InvalidArgument, path, fmt::format("a scatter plot is 2-D or 3-D, not {}-D", p.dims));
  const bool three = p.dims == 3;
  Range rx, ry, rz;
  for (const auto& pt : p.points) {
    if (!std::isfinite(pt.x) || !std::isfinite(pt.y) || (three && !std::isfinite(pt.z)))
      return make_error(ErrorKind::InvalidArgument, path, "a point has a non-finite coordinate");
    rx.add(pt.x), ry.add(pt.y), rz.add(pt.z);
  }
  rx = rx.padded(), ry = ry.padded(), rz = rz.padded();

  size_t longest = 0;
  for (const auto& c : p.categories) longest = std::max(longest, count_code_points(c));
  longest = std::max(longest, count_code_points(p.marked_note));
  const int legend_w = p.categories.size() > 1 || !p.marked_note.empty()
                           ? static_cast<int>(std::min<size_t>(longest, 32) * 7 + 50) : 20;
  const double left = 70, top = p.subtitle.empty() ? 52 : 70, plot = 820;
  const double small = 240, small_gap = (plot - 3 * small) / 2, small_top = top + plot + 40;
  const int width = static_cast<int>(left + plot) + legend_w + 10;
  const int height = static_cast<int>(three ? small_top + small + 48 : top + plot + 56);

  auto canvas = make_canvas_for(path, width, height);
  Canvas& c = *canvas;
  c.rect(0, 0, width, height, {255, 255, 255});
  c.text(left, 28, p.title, {17, kInk, TextAnchor::Start, true});
  if (!p.subtitle.empty()) c.text(left, 50, p.subtitle, {12, {0x55, 0x55, 0x55}});
  const bool dense = p.points.size() > kLabelLimit;
  const double r = dense ? 1.6 : 4.5;
  std::vector<size_t> order(p.points.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::array<double, 2>> xy(p.points.size());
  ScatterResult result;
  if (!three) {
    const Panel g{left, top, plot, rx, ry};
    draw_axes(c, g, 11, 8);
    c.text(left + plot / 2, height - 14, p.x_label, {13, kAxis, TextAnchor::Middle});
    c.text(14, top - 10, p.y_label, {13, kAxis, TextAnchor::Start});
    for (size_t i = 0; i < p.points.size(); ++i) xy[i] = {p.points[i].x, p.points[i].y};
    result = draw_points(c, g, p.points, xy, order, r, true);
  } else {
    // The main view: data scaled to the cube [-1, 1]^3, projected, drawn far to near.
    const View view(p.azimuth, p.elevation);
    auto unit = [](double v, const Range& rg) { return 2 * (v - rg.lo) / (rg.hi - rg.lo) - 1; };
    std::vector<double> depth(p.points.size());
    for (size_t i = 0; i < p.points.size(); ++i) {
      const auto& pt = p.points[i];
      const auto s = view.project(unit(pt.x, rx), unit(pt.y, ry), unit(pt.z, rz));
      xy[i] = {s[0], s[1]};
      depth[i] = s[2];
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return depth[a] < depth[b]; });
    const double reach = std::sqrt(3.0) * 1.04;  // the cube's corners fit at any angle
    const Panel g{left, top, plot, {-reach, reach}, {-reach, reach}};
    c.stroke_rect(g.left, g.top, g.size, g.size, kAxis, 1);
    for (int a = 0; a < 8; ++a)  // the box's 12 edges: corners differing in one coordinate
      for (int bit = 1; bit < 8; bit <<= 1) {
        if (a & bit) continue;
        const int b = a | bit;
        auto corner = [&](int k) { return view.project(k & 1 ? 1 : -1, k & 2 ? 1 : -1, k & 4 ? 1 : -1); };
        const auto s0 = corner(a), s1 = corner(b);
        c.line(g.px(s0[0]), g.py(s0[1]), g.px(s1[0]), g.py(s1[1]), {0xd0, 0xd0, 0xd0}, 1);
      }
    result = draw_points(c, g, p.points, xy, order, r, true);
    // Axis triad in the lower left corner, named.
    const double ox = left + 60, oy = top + plot - 60, len = 40;
    const std::string names[3] = {p.x_label, p.y_label, p.z_label};
    for (int a = 0; a < 3; ++a) {
      const auto s = view.project(a == 0, a == 1, a == 2);
      c.line(ox, oy, ox + s[0] * len, oy - s[1] * len, kAxis, 1.5);
      c.text(ox + s[0] * (len + 8), oy - s[1] * (len + 8) + 4, names[a], {11, kAxis, TextAnchor::Middle});
    }
    c.text(left + plot - 8, top + plot - 10, fmt::format("azimuth {:g}°, elevation {:g}°", p.azimuth, p.elevation),
           {11, kAxis, TextAnchor::End});
    // Pairwise panels: 1-2, 1-3, 2-3.
    const Range* ranges[3] = {&rx, &ry, &rz};
    const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
    for (int k = 0; k < 3; ++k) {
      const int a = pairs[k][0], b = pairs[k][1];
      const Panel s{left + k * (small + small_gap), small_top, small, *ranges[a], *ranges[b]};
      draw_axes(c, s, 0, 4);
      std::vector<std::array<double, 2>> pxy(p.points.size());
      for (size_t i = 0; i < p.points.size(); ++i) {
        const double v[3] = {p.points[i].x, p.points[i].y, p.points[i].z};
        pxy[i] = {v[a], v[b]};
      }
      std::vector<size_t> ids(p.points.size());
      std::iota(ids.begin(), ids.end(), 0);
      draw_points(c, s, p.points, pxy, ids, dense ? 1.0 : 2.5, false);
      c.text(s.left + small / 2, small_top + small + 18, fmt::format("{} (across) vs {} (up)", names[a], names[b]),
             {11, kAxis, TextAnchor::Middle});
    }
  }
  // Legend.
  double ly = top + 16;
  if (p.categories.size() > 1) {
    for (size_t k = 0; k < p.categories.size(); ++k, ly += 20) {
      c.circle(left + plot + 22, ly - 4, 5, categorical_color(k));
      c.text(left + plot + 34, ly, p.categories[k], {12, kInk});
    }
  }
  if (!p.marked_note.empty()) {
    c.circle(left + plot + 22, ly - 4, 7, kInk);
    c.circle(left + plot + 22, ly - 4, 5.5, {255, 255, 255});
    c.circle(left + plot + 22, ly - 4, 4.5, {0x90, 0x90, 0x90});
    c.text(left + plot + 34, ly, p.marked_note, {12, kInk});
  }
  EMB_TRY(c.save(path));
  return result;
}

}  // namespace embscope
