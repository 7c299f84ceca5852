// Barnes-Hut space-partitioning tree over 2-D points (Barnes & Hut 1986), for the repulsive
// forces of t-SNE (van der Maaten 2014): cells keep their point count and centre of mass, and
// a cell far enough from a point (cell width / distance < theta) acts as one point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embscope {

class QuadTree {
 public:
  // y: (n, 2) row-major positions.
  explicit QuadTree(const std::vector<double>& y);

  // For point i: adds sum_j q_ij^2 (y_i - y_j) to force[0..1] and returns sum_j q_ij, with
  // q_ij = 1 / (1 + |y_i - y_j|^2), over every other point j, cells summarised under theta.
  double repulsion(size_t i, double theta, double force[2]) const;

 private:
  struct Node {
    double cx, cy, half;       // cell centre and half width
    double mx = 0, my = 0;     // sum of positions while building, then the centre of mass
    uint32_t count = 0;
    int32_t child = -1;        // index of the first of 4 children, -1 for a leaf
    int32_t point = -1;        // a leaf's first point (-1 if empty)
  };
  void insert(int32_t node, uint32_t p, int depth);
  std::vector<Node> nodes_;
  const std::vector<double>& y_;
};

}  // namespace embscope
