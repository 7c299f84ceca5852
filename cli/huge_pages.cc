// Transparent huge pages for the heap, by a one-time re-exec with a glibc tunable.
#include "cli/huge_pages.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace embscope::cli {

// Transparent huge pages for the heap. Loading Gemma 3's 33 MB tokenizer.json touches some
// 150 MB of fresh heap; with 4 KiB pages on this kind of VM the page faults and TLB misses
// cost more than the parsing (0.82 s against 0.21 s with huge pages, README "Decisions").
// Kernels set to "madvise" (Debian's default) give them only to memory that asks, and glibc
// asks only when the glibc.malloc.hugetlb tunable is set before the process starts -- so the
// CLI sets it and re-executes itself once. EMBSCOPE_NO_THP=1, a tunable already naming
// hugetlb, another THP mode, or a failed exec: it just goes on.
void use_transparent_huge_pages(char** argv) {
  if (std::getenv("EMBSCOPE_NO_THP")) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(mode, line) || line.find("[madvise]") == std::string::npos) return;
  const std::string value = (tunables && *tunables ? std::string(tunables) + ":" : std::string()) + "glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
}

}  // namespace embscope::cli
