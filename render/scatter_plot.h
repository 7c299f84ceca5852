// Scatter plots of 2-D and 3-D maps (PNG or SVG through Canvas): points coloured by category
// with a legend, labels placed next to their points without piling on top of each other
// (greedy: each label tries eight positions around its point and is dropped if all collide
// with labels already placed; the number dropped is reported), title, axis names. Large maps
// (> 3,000 points) are drawn as small translucent discs, so dense regions darken, and
// unlabelled. A 3-D map is drawn as an orthographic view from a chosen azimuth and elevation
// (points far to near, the data box's edges and an axis triad for orientation) above the
// three pairwise 2-D panels (1-2, 1-3, 2-3).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace embscope {

struct ScatterPoint {
  double x = 0, y = 0, z = 0;  // z only for 3-D plots
  std::string label;           // UTF-8, may be empty
  size_t category = 0;         // index into ScatterPlot::categories
  bool marked = false;         // drawn with a ring (e.g. a pooled multi-token word)
};

struct ScatterPlot {
  std::string title, subtitle, x_label, y_label, z_label;
  size_t dims = 2;  // 2 or 3
  // The 3-D view, in degrees (matplotlib's convention and defaults): azimuth turns about the
  // third axis, elevation lifts the eye above the plane of the first two.
  double azimuth = -60, elevation = 30;
  std::vector<std::string> categories;  // legend entries, colour i = categorical_color(i)
  std::vector<ScatterPoint> points;
  std::string marked_note;  // legend text for marked points ("" = none)
};

struct ScatterResult {
  size_t labels_drawn = 0, labels_hidden = 0;  // in the main view
};

// Writes the plot at `path` (.svg -> SVG, else PNG), atomically. Errors: InvalidArgument when
// there is no point, a coordinate is not finite, or dims is not 2 or 3; Io.
Result<ScatterResult> write_scatter_plot(const std::string& path, const ScatterPlot& plot);

}  // namespace embscope
