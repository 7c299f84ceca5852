// The peak multiply rates of this core, one thread, for the products the neighbour search
// runs: f32 FMA (VFMADD, what FAISS's sgemm uses), bf16 pairs (VDPBF16PS) and int8 quads
// (VPDPBUSD), each as 12 independent accumulator chains in registers (no memory traffic).
// Printed as JSON for bench/neighbors_bench.py, which sets the batched searches beside them.
// Each loop is compiled for its instructions alone (target attributes) and runs only where
// the CPU has them; a missing one prints 0.
#include <immintrin.h>

#include <chrono>
#include <cstdio>

namespace {

using Clock = std::chrono::steady_clock;
constexpr long kSteps = 20'000'000;  // x 12 instructions

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Multiply-accumulates a second (f32 FMA: 16 lanes; bf16: 32 pairs; int8: 64 quads' products).
__attribute__((target("avx512f"))) double f32_rate() {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  __m512 a = _mm512_set1_ps(1.0001f), b = _mm512_set1_ps(0.9999f);
  const auto t = Clock::now();
  for (long s = 0; s < kSteps; ++s) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  const double sec = seconds_since(t);
  float sink = 0;
  for (auto& v : acc) sink += _mm512_reduce_add_ps(v);
  if (sink == 42.0f) std::fprintf(stderr, " ");
  return kSteps * 12.0 * 16 / sec;
}

__attribute__((target("avx512f,avx512bf16"))) double bf16_rate() {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f80);
  const auto t = Clock::now();
  for (long s = 0; s < kSteps; ++s) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  const double sec = seconds_since(t);
  float sink = 0;
  for (auto& v : acc) sink += _mm512_reduce_add_ps(v);
  if (sink == 42.0f) std::fprintf(stderr, " ");
  return kSteps * 12.0 * 32 / sec;
}

__attribute__((target("avx512f,avx512vnni,avx512bw"))) double int8_rate() {
  __m512i acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(5);
  const auto t = Clock::now();
  for (long s = 0; s < kSteps; ++s) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  const double sec = seconds_since(t);
  int sink = 0;
  for (auto& v : acc) sink += _mm512_reduce_add_epi32(v);
  if (sink == 42) std::fprintf(stderr, " ");
  return kSteps * 12.0 * 64 / sec;
}

}  // namespace

int main() {
  __builtin_cpu_init();
  const bool f32 = __builtin_cpu_supports("avx512f");
  const bool bf16 = f32 && __builtin_cpu_supports("avx512bf16");
  const bool int8 = f32 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
  auto field = [](bool have, double (*rate)()) { return have ? rate() / 1e9 : 0.0; };
  const double a = field(f32, f32_rate), b = field(bf16, bf16_rate), c = field(int8, int8_rate);
  std::printf("{\"f32_gmacs\": %.1f, \"bf16_gmacs\": %.1f, \"int8_gmacs\": %.1f}\n", a, b, c);
  return 0;
}
