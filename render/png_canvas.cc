// PNG back end: a cairo ARGB32 image surface, encoded by cairo's PNG writer into memory and
// written atomically.
#include <cairo.h>

#include <cmath>
#include <string>

#include "core/atomic_file.h"
#include "render/canvas.h"

namespace embscope {
namespace {

void set_color(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class PngCanvas final : public Canvas {
 public:
  PngCanvas(int w, int h)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)), cr_(cairo_create(surface_)) {
    set_color(cr_, {255, 255, 255});
    cairo_paint(cr_);
  }
  ~PngCanvas() override {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  PngCanvas(const PngCanvas&) = delete;
  PngCanvas& operator=(const PngCanvas&) = delete;

  void rect(double x, double y, double w, double h, Rgb fill) override {
    set_color(cr_, fill);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }
  void circle(double cx, double cy, double r, Rgb fill, double opacity) override {
    cairo_set_source_rgba(cr_, fill.r / 255.0, fill.g / 255.0, fill.b / 255.0, opacity);
    cairo_arc(cr_, cx, cy, r, 0, 2 * M_PI);
    cairo_fill(cr_);
  }
  void stroke_rect(double x, double y, double w, double h, Rgb color, double width) override {
    set_color(cr_, color);
    cairo_set_line_width(cr_, width);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
  }
  void line(double x0, double y0, double x1, double y1, Rgb color, double width) override {
    set_color(cr_, color);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }
  void text(double x, double y, std::string_view s, const TextStyle& st) override {
    const std::string str(s);
    cairo_select_font_face(cr_, std::string(kFontFamily).c_str(), CAIRO_FONT_SLANT_NORMAL,
                           st.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, st.size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr_, str.c_str(), &ext);
    double dx = 0;
    if (st.anchor == TextAnchor::Middle) dx = -ext.x_advance / 2;
    if (st.anchor == TextAnchor::End) dx = -ext.x_advance;
    set_color(cr_, st.color);
    cairo_move_to(cr_, x + dx, y);
    cairo_show_text(cr_, str.c_str());
  }
  Status save(const std::string& path) override {
    cairo_surface_flush(surface_);
    std::string png;
    const cairo_status_t st = cairo_surface_write_to_png_stream(surface_, append_to_string, &png);
    if (st != CAIRO_STATUS_SUCCESS) {
      return make_error(ErrorKind::Io, path, std::string("PNG encoding failed: ") + cairo_status_to_string(st));
    }
    return write_file_atomic(path, png);
  }

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

}  // namespace

std::unique_ptr<Canvas> make_png_canvas(int width, int height) { return std::make_unique<PngCanvas>(width, height); }

}  // namespace embscope
