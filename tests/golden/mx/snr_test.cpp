// Quantization error of each MX element format on seeded N(0,1) data: 32 x 1024 values, block 32,
// default (OCP) policy. Prints RMS error and SNR in dB and checks them against the format's
// precision. Reproduce: ctest --test-dir build-mx -R mxAccuracy -V
// (data: std::mt19937_64 seed 1, Box-Muller from 53-bit uniforms, as written below).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include "golden/mx/tensor.h"

namespace tessera::mx {
namespace {

std::vector<float> standard_normal(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u1 = (static_cast<double>(gen() >> 11) + 1.0) / 9007199254740993.0;
    const double u2 = static_cast<double>(gen() >> 11) / 9007199254740992.0;
    out[i] = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  return out;
}

TEST(mxAccuracy, RmsErrorAndSnrOfEachFormatOnGaussianData) {
  const std::size_t rows = 32, columns = 1024;
  const std::vector<float> x = standard_normal(rows * columns, 1);
  std::map<ElementFormat, double> snr;
  for (ElementFormat f : kAllElementFormats) {
    const QuantizedRows q = quantize_rows(x.data(), rows, columns, f, 32, QuantizePolicy{});
    const std::vector<float> y = dequantize_rows(q);
    double signal = 0, noise = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      signal += double(x[i]) * x[i];
      noise += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
    }
    const double rms = std::sqrt(noise / x.size());
    snr[f] = 10.0 * std::log10(signal / noise);
    std::printf("MX %-9s block 32: RMS error %.6g  SNR %.2f dB\n",
                std::string(element_format_name(f)).c_str(), rms, snr[f]);
    RecordProperty(std::string(element_format_name(f)) + "_snr_db", std::to_string(snr[f]));
  }
  // One more mantissa bit is worth about 6 dB.
  EXPECT_GT(snr[ElementFormat::int8], snr[ElementFormat::fp8_e4m3]);
  EXPECT_GT(snr[ElementFormat::fp8_e4m3], snr[ElementFormat::fp8_e5m2] + 4);
  EXPECT_GT(snr[ElementFormat::fp6_e2m3], snr[ElementFormat::fp6_e3m2] + 4);
  EXPECT_GT(snr[ElementFormat::fp6_e3m2], snr[ElementFormat::fp4_e2m1] + 4);
  EXPECT_NEAR(snr[ElementFormat::fp8_e4m3], snr[ElementFormat::fp6_e2m3], 4.0);  // both 3 mantissa bits
  for (const auto& [f, db] : snr) {
    EXPECT_GT(db, 10.0) << element_format_name(f);
    EXPECT_LT(db, 50.0) << element_format_name(f);
  }
}

}  // namespace
}  // namespace tessera::mx
