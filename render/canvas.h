// A minimal 2-D drawing surface with two back ends: SVG text (labels stay searchable text
// elements) and PNG through cairo. Plots draw once against Canvas and get both files.
// Coordinates in pixels, origin top-left.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "render/colormap.h"

namespace embscope {

enum class TextAnchor { Start, Middle, End };

struct TextStyle {
  double size = 12;
  Rgb color{0x20, 0x20, 0x20};
  TextAnchor anchor = TextAnchor::Start;
  bool bold = false;
};

class Canvas {
 public:
  virtual ~Canvas() = default;
  virtual void rect(double x, double y, double w, double h, Rgb fill) = 0;
  virtual void stroke_rect(double x, double y, double w, double h, Rgb color, double width) = 0;
  virtual void line(double x0, double y0, double x1, double y1, Rgb color, double width) = 0;
  // A filled disc, with `opacity` in (0, 1] (overlapping points darken: a density cue).
  virtual void circle(double cx, double cy, double r, Rgb fill, double opacity = 1.0) = 0;
  // Baseline at y. Text is UTF-8.
  virtual void text(double x, double y, std::string_view s, const TextStyle& style) = 0;
  // Writes the image atomically.
  virtual Status save(const std::string& path) = 0;
};

// Font used by both back ends (fonts-dejavu-core on Debian).
inline constexpr std::string_view kFontFamily = "DejaVu Sans";

std::unique_ptr<Canvas> make_svg_canvas(int width, int height);
std::unique_ptr<Canvas> make_png_canvas(int width, int height);
// By extension: ".svg" -> SVG, anything else PNG.
std::unique_ptr<Canvas> make_canvas_for(const std::string& path, int width, int height);

}  // namespace embscope
