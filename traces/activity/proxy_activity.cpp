#include "traces/activity/proxy_activity.h"

#include <array>

#include "golden/common/error.h"

namespace tessera::traces::activity {
namespace {

void check_table(const std::vector<std::uint64_t>& table) {
  if (table.size() != kOperandPairs) {
    throw ConfigError("proxy table: " + std::to_string(table.size()) + " entries, expected " + std::to_string(kOperandPairs));
  }
}

// Per-bit toggle counts kept bit-sliced: plane i holds bit i of every proxy's count, and adding a
// word ripples its carries up the planes (about two steps per word on average), instead of one
// increment per toggled proxy. Flushed into a ProxyCounts before the planes could overflow.
class ToggleAccumulator {
 public:
  void add(std::uint64_t toggled) {
    for (std::size_t plane = 0; toggled != 0; ++plane) {
      const std::uint64_t carry = planes_[plane] & toggled;
      planes_[plane] ^= toggled;
      toggled = carry;
    }
    if (++pending_ == kCapacity) flush();
  }
  void flush() {
    for (std::size_t plane = 0; plane < kPlanes; ++plane) {
      for (std::uint64_t bits = planes_[plane]; bits != 0; bits &= bits - 1) {
        counts_.toggles[static_cast<std::size_t>(__builtin_ctzll(bits))] += std::uint64_t{1} << plane;
      }
      planes_[plane] = 0;
    }
    counts_.ops += pending_;
    pending_ = 0;
  }
  ProxyCounts take() {
    flush();
    return counts_;
  }

 private:
  static constexpr std::size_t kPlanes = 16;
  static constexpr std::uint64_t kCapacity = (std::uint64_t{1} << kPlanes) - 1;
  std::array<std::uint64_t, kPlanes> planes_{};
  std::uint64_t pending_ = 0;
  ProxyCounts counts_;
};

}  // namespace

std::vector<std::uint64_t> proxy_stream_toggles(const std::vector<std::uint64_t>& table, const std::vector<std::int8_t>& a,
                                                const std::vector<std::int8_t>& b) {
  check_table(table);
  if (a.size() != b.size()) {
    throw ConfigError("proxy stream: " + std::to_string(a.size()) + " activations but " + std::to_string(b.size()) + " weights");
  }
  std::vector<std::uint64_t> toggled(a.size());
  std::uint64_t previous = table[0];
  for (std::size_t t = 0; t < a.size(); ++t) {
    const std::uint64_t now = table[operand_pair_index(a[t], b[t])];
    toggled[t] = now ^ previous;
    previous = now;
  }
  return toggled;
}

ProxyCounts proxy_stream_counts(const std::vector<std::uint64_t>& table, const std::vector<std::int8_t>& a,
                                const std::vector<std::int8_t>& b) {
  ToggleAccumulator counts;
  for (const std::uint64_t toggled : proxy_stream_toggles(table, a, b)) counts.add(toggled);
  return counts.take();
}

ProxyCounts weight_stationary_proxy_counts(const WeightStationaryTile& tile, const std::vector<std::uint64_t>& table) {
  check_table(table);
  ToggleAccumulator counts;
  // A PE's weight is fixed, so its ops read one column of the table: copied out first, it stays in
  // L1 instead of striding 2 KiB per activation through the 512 KiB table.
  std::array<std::uint64_t, 256> column{};
  for (std::size_t r = 0; r < tile.depth_k; ++r) {
    for (std::size_t c = 0; c < tile.cols_n; ++c) {
      const std::size_t weight = static_cast<std::uint8_t>(tile.weights[r * tile.cols_n + c]);
      for (std::size_t activation = 0; activation < 256; ++activation) column[activation] = table[activation << 8 | weight];
      std::uint64_t previous = table[0];
      for (std::size_t t = 0; t < tile.rows_m; ++t) {
        const std::uint64_t now = column[static_cast<std::uint8_t>(tile.activations[t * tile.depth_k + r])];
        counts.add(now ^ previous);
        previous = now;
      }
    }
  }
  return counts.take();
}

}  // namespace tessera::traces::activity
