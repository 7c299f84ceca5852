// SVG back end: elements appended to a string; text is XML-escaped.
#include <fmt/format.h>

#include "core/atomic_file.h"
#include "render/canvas.h"

namespace embscope {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 forbids most C0 controls even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

class SvgCanvas final : public Canvas {
 public:
  SvgCanvas(int w, int h) : w_(w), h_(h) {}

  void rect(double x, double y, double w, double h, Rgb fill) override {
    fmt::format_to(std::back_inserter(body_), "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\"/>\n",
                   x, y, w, h, to_hex(fill));
  }
  void stroke_rect(double x, double y, double w, double h, Rgb color, double width) override {
    fmt::format_to(std::back_inserter(body_),
                   "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"none\" stroke=\"{}\" "
                   "stroke-width=\"{:.2f}\"/>\n",
                   x, y, w, h, to_hex(color), width);
  }
  void line(double x0, double y0, double x1, double y1, Rgb color, double width) override {
    fmt::format_to(std::back_inserter(body_),
                   "<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\" stroke-width=\"{:.2f}\"/>\n",
                   x0, y0, x1, y1, to_hex(color), width);
  }
  void circle(double cx, double cy, double r, Rgb fill, double opacity) override {
    fmt::format_to(std::back_inserter(body_), "<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"{}\"{}/>\n", cx, cy, r,
                   to_hex(fill), opacity < 1.0 ? fmt::format(" fill-opacity=\"{:.2f}\"", opacity) : "");
  }
  void text(double x, double y, std::string_view s, const TextStyle& st) override {
    const char* anchor = st.anchor == TextAnchor::Middle ? "middle" : st.anchor == TextAnchor::End ? "end" : "start";
    fmt::format_to(std::back_inserter(body_),
                   "<text x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"{:.1f}\" fill=\"{}\" text-anchor=\"{}\"{}>{}</text>\n", x,
                   y, st.size, to_hex(st.color), anchor, st.bold ? " font-weight=\"bold\"" : "", xml_escape(s));
  }
  Status save(const std::string& path) override {
    std::string doc = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
        "height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"{}, sans-serif\">\n",
        w_, h_, w_, h_, kFontFamily);
    doc.append(body_.data(), body_.size());
    doc += "</svg>\n";
    return write_file_atomic(path, doc);
  }

 private:
  int w_, h_;
  fmt::memory_buffer body_;
};

}  // namespace

std::unique_ptr<Canvas> make_svg_canvas(int width, int height) { return std::make_unique<SvgCanvas>(width, height); }

std::unique_ptr<Canvas> make_canvas_for(const std::string& path, int width, int height) {
  const bool svg = path.size() >= 4 && path.compare(path.size() - 4, 4, ".svg") == 0;
  return svg ? make_svg_canvas(width, height) : make_png_canvas(width, height);
}

}  // namespace embscope
