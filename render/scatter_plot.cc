// Scatter plot layout: square plot area, legend on the right, greedy label placement.
#include "render/scatter_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

}  // namespace

Result<ScatterResult> write_scatter_plot(const std::string& path, const ScatterPlot& p) {
  if (p.points.empty()) return make_error(ErrorKind::InvalidArgument, path, "a scatter plot needs at least one point");
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& pt : p.points) {
    if (!std::isfinite(pt.x) || !std::isfinite(pt.y))
      return make_error(ErrorKind::InvalidArgument, path, "a point has a non-finite coordinate");
    x0 = std::min(x0, pt.x), x1 = std::max(x1, pt.x), y0 = std::min(y0, pt.y), y1 = std::max(y1, pt.y);
  }
  if (x1 - x0 < 1e-12) x0 -= 1, x1 += 1;
  if (y1 - y0 < 1e-12) y0 -= 1, y1 += 1;
  const double padx = (x1 - x0) * 0.06, pady = (y1 - y0) * 0.06;
  x0 -= padx, x1 += padx, y0 -= pady, y1 += pady;

  size_t longest = 0;
  for (const auto& c : p.categories) longest = std::max(longest, count_code_points(c));
  longest = std::max(longest, count_code_points(p.marked_note));
  const int legend_w = p.categories.size() > 1 || !p.marked_note.empty()
                           ? static_cast<int>(std::min<size_t>(longest, 32) * 7 + 50) : 20;
  const double left = 70, top = p.subtitle.empty() ? 52 : 70, plot = 820;
  const int width = static_cast<int>(left + plot) + legend_w + 10, height = static_cast<int>(top + plot + 56);
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * plot; };
  auto py = [&](double y) { return top + (y1 - y) / (y1 - y0) * plot; };

  auto canvas = make_canvas_for(path, width, height);
  canvas->rect(0, 0, width, height, {255, 255, 255});
  canvas->text(left, 28, p.title, {17, {0x20, 0x20, 0x20}, TextAnchor::Start, true});
  if (!p.subtitle.empty()) canvas->text(left, 50, p.subtitle, {12, {0x55, 0x55, 0x55}});
  const Rgb grid{0xec, 0xec, 0xec}, axis{0x55, 0x55, 0x55};
  const auto xt = nice_ticks(x0, x1, 8), yt = nice_ticks(y0, y1, 8);
  const double xs = xt.size() > 1 ? xt[1] - xt[0] : 1, ys = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double t : xt) {
    canvas->line(px(t), top, px(t), top + plot, grid, 1);
    canvas->text(px(t), top + plot + 18, tick_label(t, xs), {11, axis, TextAnchor::Middle});
  }
  for (double t : yt) {
    canvas->line(left, py(t), left + plot, py(t), grid, 1);
    canvas->text(left - 8, py(t) + 4, tick_label(t, ys), {11, axis, TextAnchor::End});
  }
  canvas->stroke_rect(left, top, plot, plot, axis, 1);
  canvas->text(left + plot / 2, height - 14, p.x_label, {13, axis, TextAnchor::Middle});
  canvas->text(14, top - 10, p.y_label, {13, axis, TextAnchor::Start});

  const bool dense = p.points.size() > kLabelLimit;
  const double r = dense ? 1.6 : 4.5;
  const double opacity = dense ? 0.35 : 0.9;
  for (const auto& pt : p.points) {
    const Rgb col = categorical_color(pt.category);
    if (pt.marked && !dense) canvas->circle(px(pt.x), py(pt.y), r + 2.2, {0x20, 0x20, 0x20});
    if (pt.marked && !dense) canvas->circle(px(pt.x), py(pt.y), r + 1.0, {255, 255, 255});
    canvas->circle(px(pt.x), py(pt.y), r, col, opacity);
  }
  ScatterResult result;
  if (!dense) {
    // Labels: every point's disc is an obstacle; labels go where they overlap nothing placed.
    std::vector<Box> taken;
    for (const auto& pt : p.points) taken.push_back({px(pt.x) - r, py(pt.y) - r, px(pt.x) + r, py(pt.y) + r});
    const double size = 11, h = size + 2;
    for (const auto& pt : p.points) {
      if (pt.label.empty()) continue;
      const double w = 0.62 * size * static_cast<double>(count_code_points(pt.label)) + 2;
      const double cx = px(pt.x), cy = py(pt.y), gap = r + 2;
      const Box options[] = {{cx + gap, cy - h / 2, cx + gap + w, cy + h / 2},   {cx - gap - w, cy - h / 2, cx - gap, cy + h / 2},
                             {cx - w / 2, cy - gap - h, cx + w / 2, cy - gap},   {cx - w / 2, cy + gap, cx + w / 2, cy + gap + h},
                             {cx + gap, cy - gap - h, cx + gap + w, cy - gap},   {cx - gap - w, cy - gap - h, cx - gap, cy - gap},
                             {cx + gap, cy + gap, cx + gap + w, cy + gap + h},   {cx - gap - w, cy + gap, cx - gap, cy + gap + h}};
      bool placed = false;
      for (const Box& b : options) {
        if (b.x0 < left || b.x1 > left + plot || b.y0 < top || b.y1 > top + plot) continue;
        if (std::any_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(b); })) continue;
        canvas->text(b.x0 + 1, b.y1 - 3, pt.label, {size, {0x20, 0x20, 0x20}});
        taken.push_back(b);
        placed = true;
        break;
      }
      ++(placed ? result.labels_drawn : result.labels_hidden);
    }
  } else {
    for (const auto& pt : p.points) result.labels_hidden += !pt.label.empty();
  }
  // Legend.
  double ly = top + 16;
  if (p.categories.size() > 1) {
    for (size_t c = 0; c < p.categories.size(); ++c, ly += 20) {
      canvas->circle(left + plot + 22, ly - 4, 5, categorical_color(c));
      canvas->text(left + plot + 34, ly, p.categories[c], {12, {0x20, 0x20, 0x20}});
    }
  }
  if (!p.marked_note.empty()) {
    canvas->circle(left + plot + 22, ly - 4, 7, {0x20, 0x20, 0x20});
    canvas->circle(left + plot + 22, ly - 4, 5.5, {255, 255, 255});
    canvas->circle(left + plot + 22, ly - 4, 4.5, {0x90, 0x90, 0x90});
    canvas->text(left + plot + 34, ly, p.marked_note, {12, {0x20, 0x20, 0x20}});
  }
  EMB_TRY(canvas->save(path));
  return result;
}

}  // namespace embscope
