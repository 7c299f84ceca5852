// Quadtree construction and the Barnes-Hut traversal.
#include "analysis/quadtree.h"

#include <algorithm>
#include <cmath>

namespace embscope {
namespace {
constexpr int kMaxDepth = 48;  // points closer than 2^-48 of the extent share a leaf
}

QuadTree::QuadTree(const std::vector<double>& y) : y_(y) {
  const size_t n = y.size() / 2;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    x0 = std::min(x0, y[2 * i]), x1 = std::max(x1, y[2 * i]);
    y0 = std::min(y0, y[2 * i + 1]), y1 = std::max(y1, y[2 * i + 1]);
  }
  const double half = std::max({(x1 - x0) / 2, (y1 - y0) / 2, 1e-12}) * (1 + 1e-9);
  nodes_.reserve(4 * n + 1);
  nodes_.push_back({(x0 + x1) / 2, (y0 + y1) / 2, half});
  for (size_t i = 0; i < n; ++i) insert(0, static_cast<uint32_t>(i), 0);
  // Sums of positions -> centres of mass, once, instead of a division per visit.
  for (Node& nd : nodes_)
    if (nd.count > 0) nd.mx /= nd.count, nd.my /= nd.count;
}

void QuadTree::insert(int32_t at, uint32_t p, int depth) {
  const double px = y_[2 * p], py = y_[2 * p + 1];
  for (;;) {
    Node& nd = nodes_[static_cast<size_t>(at)];
    nd.mx += px, nd.my += py;
    ++nd.count;
    if (nd.child < 0) {
      if (nd.count == 1) {  // an empty leaf takes the point
        nd.point = static_cast<int32_t>(p);
        return;
      }
      if (depth >= kMaxDepth) return;  // coincident points: the leaf holds several
      // Split: the leaf's earlier point(s) move down with their summary.
      const int32_t old = nd.point;
      const uint32_t old_count = nd.count - 1;
      const double ox = (nd.mx - px) / old_count, oy = (nd.my - py) / old_count;
      const double h = nd.half / 2, cx = nd.cx, cy = nd.cy;
      const int32_t first = static_cast<int32_t>(nodes_.size());
      for (int q = 0; q < 4; ++q) nodes_.push_back({cx + ((q & 1) ? h : -h), cy + ((q & 2) ? h : -h), h});
      Node& n2 = nodes_[static_cast<size_t>(at)];  // the vector may have moved
      n2.child = first;
      n2.point = -1;
      const int32_t oq = first + (ox >= cx ? 1 : 0) + (oy >= cy ? 2 : 0);
      Node& o = nodes_[static_cast<size_t>(oq)];
      o.mx = ox * old_count, o.my = oy * old_count, o.count = old_count, o.point = old;
    }
    const Node& cur = nodes_[static_cast<size_t>(at)];
    at = cur.child + (px >= cur.cx ? 1 : 0) + (py >= cur.cy ? 2 : 0);
    ++depth;
  }
}

double QuadTree::repulsion(size_t i, double theta, double force[2]) const {
  const double px = y_[2 * i], py = y_[2 * i + 1];
  double sum_q = 0;
  int32_t stack[4 * kMaxDepth + 8];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& nd = nodes_[static_cast<size_t>(stack[--top])];
    if (nd.count == 0) continue;
    const double dx = px - nd.mx, dy = py - nd.my, d2 = dx * dx + dy * dy;
    const bool leaf = nd.child < 0;
    if (leaf || (2 * nd.half) * (2 * nd.half) < theta * theta * d2) {
      uint32_t cnt = nd.count;
      if (leaf && nd.point >= 0 && d2 == 0) {
        // The leaf holds point i (and perhaps coincident points): they count, i does not.
        if (static_cast<size_t>(nd.point) == i || (y_[2 * nd.point] == px && y_[2 * nd.point + 1] == py)) --cnt;
      }
      if (cnt == 0) continue;
      const double q = 1.0 / (1.0 + d2);
      sum_q += cnt * q;
      force[0] += cnt * q * q * dx;
      force[1] += cnt * q * q * dy;
      continue;
    }
    for (int c = 0; c < 4; ++c) stack[top++] = nd.child + c;
  }
  return sum_q;
}

}  // namespace embscope
