#include "sim/cosim/sc_kernel.h"

#include <systemc>

#include "golden/approx/catalog.h"
#include "golden/common/error.h"
#include "models/tlm/tlm_system.h"

namespace tessera::cosim {

void elaborate_sc_kernel(const std::function<void()>& build) {
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    throw Error(
        "cosim --kernel systemc: the SystemC kernel of this process already started (a TLM model ran before), "
        "and SystemC accepts no new modules after its one elaboration; run the SystemC co-simulation in a "
        "process whose first TLM use it is (e.g. a fresh `tessera cosim --kernel systemc`)");
  }
  build();
  // Verilator's --sc constructor compares its timeprecision (1 ps) with sc_get_time_resolution(),
  // which fixes SystemC's resolution at its 1 ps default. The TLM system then asks for 1 ps
  // explicitly, which SystemC reports as an error once any time value exists, although the value
  // is the same. Only that report is silenced, and only for that one call.
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS)) {
    throw Error("cosim --kernel systemc: the verilated SystemC models left a time resolution of " +
                sc_core::sc_get_time_resolution().to_string() + "; the TLM system needs 1 ps");
  }
  const sc_core::sc_actions previous =
      sc_core::sc_report_handler::set_actions(sc_core::SC_ID_SET_TIME_RESOLUTION_, sc_core::SC_DO_NOTHING);
  try {
    models::ApproxArrayConfig config;
    const approx::MultiplierTable table = approx::load_multiplier("exact");
    models::run_approx_tlm(config, table, nullptr, nullptr, models::GemmShape{0, 0, 0});
  } catch (...) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_SET_TIME_RESOLUTION_, previous);
    throw;
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_SET_TIME_RESOLUTION_, previous);
}

}  // namespace tessera::cosim
