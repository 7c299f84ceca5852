// bench/: single-thread encode throughput of embscope's tokenizers over the lines of a file
// (the best pass, and the first, word caches empty) and tokenizer load time. Prints one JSON
// object; bench/tokenize_speed.py runs it side by side with the references.
// Usage: tokenize_bench TOKENIZER FILE [REPEAT]
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokenizer/loader.h"

int main(int argc, char** argv) {
  using clock = std::chrono::steady_clock;
  if (argc < 3) {
    std::cerr << "usage: tokenize_bench TOKENIZER FILE [REPEAT]\n";
    return 2;
  }
  const int repeat = argc > 3 ? std::stoi(argv[3]) : 3;
  const auto t0 = clock::now();
  auto tok = embscope::load_tokenizer(argv[1]);
  const double load_s = std::chrono::duration<double>(clock::now() - t0).count();
  if (!tok) {
    std::cerr << tok.error().to_string() << "\n";
    return 1;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    bytes += line.size();
    lines.push_back(std::move(line));
  }
  embscope::EncodeOptions o;
  o.special = embscope::SpecialTokens::Text;
  double best = 1e30, first = 0;
  size_t n_tokens = 0;
  for (int r = 0; r < repeat; ++r) {
    n_tokens = 0;
    const auto s = clock::now();
    for (const auto& l : lines) {
      auto e = (*tok)->encode(l, o);
      if (!e) {
        std::cerr << e.error().to_string() << "\n";
        return 1;
      }
      n_tokens += e->size();
    }
    const double took = std::chrono::duration<double>(clock::now() - s).count();
    if (r == 0) first = took;  // the word caches start empty
    best = std::min(best, took);
  }
  std::cout << nlohmann::json{{"load_s", load_s}, {"encode_s", best}, {"bytes", bytes}, {"lines", lines.size()},
                              {"tokens", n_tokens}, {"mb_per_s", bytes / best / 1e6},
                              {"first_mb_per_s", bytes / first / 1e6}}
                   .dump()
            << "\n";
  return 0;
}
