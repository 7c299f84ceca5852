// Process start-up: the heap on transparent huge pages (see huge_pages.cc and README
// "Decisions").
#pragma once

namespace embscope::cli {

// Re-executes the process once with glibc.malloc.hugetlb=1 when the kernel gives huge pages
// on request only; returns (doing nothing) otherwise. Call first thing in main().
void use_transparent_huge_pages(char** argv);

}  // namespace embscope::cli
