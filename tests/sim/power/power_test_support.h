#pragma once
// Shared pieces of the sim/power tests: tessera's multiplier sources, tool checks, error matchers.
#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "sim/power/characterize.h"

namespace tessera::power::test {

// hw/approx sources of tessera_mul8s (the package is added by sim/power itself).
std::vector<std::filesystem::path> tessera_mul8s_sources();

// A spec for tessera_mul8s (lowRISC ports a_i, b_i, p_o) on `library` with `structure`.
PowerSpec tessera_mul8s_spec(const std::string& library, Structure structure, std::size_t ops = 20000);

bool yosys_available();

// Runs `body`, expecting an exception of type E whose message contains every needle.
template <typename E, typename Body>
void expect_error(Body body, std::initializer_list<const char*> needles) {
  try {
    body();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    const std::string message = e.what();
    for (const char* needle : needles) {
      EXPECT_NE(message.find(needle), std::string::npos) << "message lacks '" << needle << "':\n" << message;
    }
  }
}

}  // namespace tessera::power::test

#define TESSERA_SKIP_WITHOUT_YOSYS()                                                      \
  if (!tessera::power::test::yosys_available()) GTEST_SKIP() << "yosys is not installed " \
                                                                "(Debian: apt-get install yosys)"
