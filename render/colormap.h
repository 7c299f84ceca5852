// Diverging colour scale centred on 0 (ColorBrewer RdBu, 11 classes, interpolated):
// negative values blue, zero near-white, positive red. Perceptually ordered both ways.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace embscope {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

// t in [-1, 1] (clamped; NaN -> padding grey) -> colour.
Rgb diverging_color(float t);
// Colour of grid cells that stand for no dimension (D not a multiple of the grid width).
inline constexpr Rgb kPaddingColor{128, 128, 128};
std::string to_hex(Rgb c);  // "#rrggbb"

// Categorical colours for series and groups (Okabe-Ito, distinguishable with colour-vision
// deficiencies, then Tableau 10); cycles after 16.
Rgb categorical_color(size_t i);

}  // namespace embscope
