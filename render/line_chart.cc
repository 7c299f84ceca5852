// Line chart layout: plot area with a margin for ticks and labels, legend on the right.
#include "render/line_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "render/canvas.h"

namespace embscope {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::string tick_label(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", v, decimals);
}

Status write_line_chart(const std::string& path, const LineChart& c) {
  if (c.x.empty() || c.series.empty()) {
    return make_error(ErrorKind::InvalidArgument, path, "a line chart needs at least one x value and one series");
  }
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : c.series) {
    if (s.y.size() != c.x.size()) {
      return make_error(ErrorKind::InvalidArgument, path,
                        fmt::format("series '{}' has {} values for {} x values", s.name, s.y.size(), c.x.size()));
    }
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) return make_error(ErrorKind::InvalidArgument, path, "no finite value to draw");
  if (c.y_reference) lo = std::min(lo, *c.y_reference), hi = std::max(hi, *c.y_reference);
  if (hi - lo < 1e-9) lo -= 0.5, hi += 0.5;
  const double pad = (hi - lo) * 0.05;
  lo = c.y_min.value_or(lo - pad);
  hi = c.y_max.value_or(hi + pad);
  const double x0 = c.x.front(), x1 = c.x.size() > 1 ? c.x.back() : c.x.front() + 1;

  size_t longest = 0;
  for (const auto& s : c.series) longest = std::max(longest, s.name.size());
  const int legend_w = static_cast<int>(std::min<size_t>(longest, 28) * 7 + 40);
  const int width = 760 + legend_w, height = 460;
  const double left = 70, top = c.subtitle.empty() ? 50 : 66, plot_w = 680, plot_h = height - top - 60;
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * plot_w; };
  auto py = [&](double y) { return top + (hi - y) / (hi - lo) * plot_h; };

  auto canvas = make_canvas_for(path, width, height);
  canvas->rect(0, 0, width, height, {255, 255, 255});
  canvas->text(left, 26, c.title, {16, {0x20, 0x20, 0x20}, TextAnchor::Start, true});
  if (!c.subtitle.empty()) canvas->text(left, 46, c.subtitle, {12, {0x55, 0x55, 0x55}});
  const Rgb grid{0xe4, 0xe4, 0xe4}, axis{0x55, 0x55, 0x55};
  const auto yt = nice_ticks(lo, hi, 8);
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double t : yt) {
    canvas->line(left, py(t), left + plot_w, py(t), grid, 1);
    canvas->text(left - 8, py(t) + 4, tick_label(t, ystep), {11, axis, TextAnchor::End});
  }
  const auto xt = nice_ticks(x0, x1, 8);
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1;
  for (double t : xt) {
    canvas->line(px(t), top, px(t), top + plot_h, grid, 1);
    canvas->text(px(t), top + plot_h + 18, tick_label(t, xstep), {11, axis, TextAnchor::Middle});
  }
  if (c.y_reference) {
    const double y = py(*c.y_reference);
    for (double x = left; x < left + plot_w; x += 10) canvas->line(x, y, std::min(x + 5, left + plot_w), y, axis, 1);
  }
  canvas->stroke_rect(left, top, plot_w, plot_h, axis, 1);
  canvas->text(left + plot_w / 2, height - 14, c.x_label, {12, axis, TextAnchor::Middle});
  canvas->text(16, top - 10, c.y_label, {12, axis, TextAnchor::Start});

  for (size_t k = 0; k < c.series.size(); ++k) {
    const Rgb col = categorical_color(k);
    const auto& y = c.series[k].y;
    for (size_t i = 0; i < y.size(); ++i) {
      if (!std::isfinite(y[i])) continue;
      if (i + 1 < y.size() && std::isfinite(y[i + 1])) canvas->line(px(c.x[i]), py(y[i]), px(c.x[i + 1]), py(y[i + 1]), col, 2);
      canvas->rect(px(c.x[i]) - 2.5, py(y[i]) - 2.5, 5, 5, col);
    }
    const double ly = top + 14 + 20.0 * static_cast<double>(k);
    canvas->line(left + plot_w + 16, ly - 4, left + plot_w + 36, ly - 4, col, 3);
    canvas->text(left + plot_w + 42, ly, c.series[k].name, {12, {0x20, 0x20, 0x20}});
  }
  return canvas->save(path);
}

}  // namespace embscope
