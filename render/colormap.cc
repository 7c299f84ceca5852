// RdBu anchors, from dark red (+1) to dark blue (-1).
#include "render/colormap.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace embscope {
namespace {

constexpr std::array<Rgb, 11> kRdBu = {{
    {0x67, 0x00, 0x1f}, {0xb2, 0x18, 0x2b}, {0xd6, 0x60, 0x4d}, {0xf4, 0xa5, 0x82},
    {0xfd, 0xdb, 0xc7}, {0xf7, 0xf7, 0xf7}, {0xd1, 0xe5, 0xf0}, {0x92, 0xc5, 0xde},
    {0x43, 0x93, 0xc3}, {0x21, 0x66, 0xac}, {0x05, 0x30, 0x61},
}};

constexpr std::array<Rgb, 16> kCategorical = {{
    {0x00, 0x72, 0xb2}, {0xd5, 0x5e, 0x00}, {0x00, 0x9e, 0x73}, {0xcc, 0x79, 0xa7},
    {0xe6, 0x9f, 0x00}, {0x56, 0xb4, 0xe9}, {0x88, 0x88, 0x88}, {0xf0, 0xe4, 0x42},
    {0x4e, 0x79, 0xa7}, {0xe1, 0x57, 0x59}, {0x76, 0xb7, 0xb2}, {0x59, 0xa1, 0x4f},
    {0xb0, 0x7a, 0xa1}, {0xff, 0x9d, 0xa7}, {0x9c, 0x75, 0x5f}, {0xba, 0xb0, 0xac},
}};

}  // namespace

Rgb categorical_color(size_t i) { return kCategorical[i % kCategorical.size()]; }

Rgb diverging_color(float t) {
  if (std::isnan(t)) return kPaddingColor;
  t = t < -1 ? -1 : (t > 1 ? 1 : t);
  const float pos = (1.0f - t) * 0.5f * static_cast<float>(kRdBu.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i >= kRdBu.size() - 1) return kRdBu.back();
  const float f = pos - static_cast<float>(i);
  auto mix = [f](uint8_t a, uint8_t b) {
    return static_cast<uint8_t>(std::lround(a + (static_cast<float>(b) - a) * f));
  };
  return {mix(kRdBu[i].r, kRdBu[i + 1].r), mix(kRdBu[i].g, kRdBu[i + 1].g), mix(kRdBu[i].b, kRdBu[i + 1].b)};
}

std::string to_hex(Rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

}  // namespace embscope
