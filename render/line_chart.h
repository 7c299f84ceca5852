// Line charts (PNG or SVG through Canvas): one x axis, several named series, legend, "nice"
// axis ticks. Used by `evolve` (cosine of word pairs over training) and loss curves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "render/colormap.h"

namespace embscope {

struct LineSeries {
  std::string name;
  std::vector<double> y;  // one value per x; NaN = a gap
};

struct LineChart {
  std::string title, subtitle, x_label, y_label;
  std::vector<double> x;  // increasing
  std::vector<LineSeries> series;
  std::optional<double> y_min, y_max;  // fixed y range (default: the data's, padded)
  std::optional<double> y_reference;   // a dashed horizontal line (e.g. cosine 0)
};

// Ticks at 1, 2 or 5 x 10^k covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);
// A tick value with as many decimals as the tick step needs: (0.25, 0.05) -> "0.25".
std::string tick_label(double v, double step);

// Writes the chart at `path` (.svg -> SVG, else PNG), atomically. Errors: InvalidArgument when
// there is no point to draw or a series' length differs from x; Io.
Status write_line_chart(const std::string& path, const LineChart& chart);

}  // namespace embscope
