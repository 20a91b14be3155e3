// tessera approx characterize --rtl: the command-line face of sim/rtl/characterize.h, on a
// multiplier tessera did not write (its own port names, its own arithmetic).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/approx/lut_file.h"
#include "golden/approx/metrics.h"
#include "golden/io/atomic_file.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

// Rounds the exact product down to a multiple of 4: error in {0, -1, -2, -3}.
constexpr const char* kForeignMultiplier = R"(
module my_mul(input [7:0] x, input [7:0] y, output [15:0] p);
  wire signed [15:0] full = $signed(x) * $signed(y);
  assign p = {full[15:2], 2'b00};
endmodule
)";

TEST(RtlCharacterizeCli, ForeignCircuitGivesTableMetricsAndArea) {
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("my_mul.v"), std::string(kForeignMultiplier));
  const test::CommandResult result = test::run_tessera(
      {"approx", "characterize", "--rtl", dir.file("my_mul.v"), "--top", "my_mul", "--port-a", "x",
       "--port-b", "y", "--port-o", "p", "--out", dir.file("my_mul.lut")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json json = nlohmann::json::parse(result.out);
  // The printed metrics are those of the written table, and the table is the circuit's rule.
  const approx::MultiplierTable table = approx::read_lut_file(dir.file("my_mul.lut"));
  const approx::ErrorMetrics metrics = approx::characterize(table);
  EXPECT_DOUBLE_EQ(json["mae"].get<double>(), metrics.mae);
  EXPECT_DOUBLE_EQ(json["wce"].get<double>(), 3.0);
  EXPECT_LE(json["mean_error"].get<double>(), 0.0);
  for (std::size_t i = 0; i < approx::kTableEntries; ++i) {
    const int a = approx::port_a_of(i), b = approx::port_b_of(i);
    ASSERT_EQ(table(static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)), (a * b) & ~3) << a << " x " << b;
  }
  EXPECT_GT(json["rtl"]["cells"].get<int>(), 0);
  EXPECT_GT(json["rtl"]["exact_reference"]["transistors"].get<int>(), 0);
  EXPECT_NEAR(json["rtl"]["cell_ratio"].get<double>(),
              json["rtl"]["cells"].get<double>() / json["rtl"]["exact_reference"]["cells"].get<double>(), 1e-12);
}

TEST(RtlCharacterizeCli, MissingPortsAndTopAreBadInput) {
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("my_mul.v"), std::string(kForeignMultiplier));
  const test::CommandResult default_ports =
      test::run_tessera({"approx", "characterize", "--rtl", dir.file("my_mul.v"), "--top", "my_mul"});
  EXPECT_EQ(default_ports.exit_code, 2);
  EXPECT_NE(default_ports.err.find("missing port 'A'"), std::string::npos) << default_ports.err;
  const test::CommandResult no_top = test::run_tessera({"approx", "characterize", "--rtl", dir.file("my_mul.v")});
  EXPECT_EQ(no_top.exit_code, 2);
  EXPECT_NE(no_top.err.find("--top"), std::string::npos) << no_top.err;
}

}  // namespace
}  // namespace tessera
