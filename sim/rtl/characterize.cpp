#include "sim/rtl/characterize.h"

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "sim/rtl/tools.h"

namespace tessera::rtl {
namespace fs = std::filesystem;

namespace {

bool is_identifier(const std::string& name) {
  static const std::regex id("[A-Za-z_][A-Za-z0-9_$]*");
  return std::regex_match(name, id);
}

// Absolute paths of the sources, checked to exist; quoted for a Yosys script.
std::vector<fs::path> checked_sources(const std::vector<fs::path>& sources) {
  if (sources.empty()) throw InputError("no Verilog source given");
  std::vector<fs::path> out;
  for (const auto& s : sources) {
    std::error_code ec;
    if (!fs::is_regular_file(s, ec)) throw InputError(s.string() + ": no such Verilog file");
    const std::string text = fs::absolute(s).string();
    if (text.find_first_of("\"\n") != std::string::npos) {
      throw InputError(s.string() + ": file names with '\"' or newlines are not supported");
    }
    out.push_back(fs::absolute(s));
  }
  return out;
}

std::string read_commands(const std::vector<fs::path>& sources) {
  std::string script;
  for (const auto& s : sources) script += "read_verilog -sv \"" + s.string() + "\"\n";
  return script;
}

std::string describe_sources(const std::vector<fs::path>& sources) {
  std::string out;
  for (const auto& s : sources) out += (out.empty() ? "" : ", ") + s.string();
  return out;
}

void check_spec_names(const RtlMultiplierSpec& spec) {
  for (const auto* name : {&spec.top, &spec.port_a, &spec.port_b, &spec.port_o}) {
    if (!is_identifier(*name)) {
      throw InputError("'" + *name + "' is not a plain Verilog identifier (module and port names must be)");
    }
  }
}

// Cell types that hold state: flip-flops, latches, memories (Yosys internal cell library).
bool is_sequential_cell(const std::string& type) {
  static const char* prefixes[] = {"$dff", "$adff", "$sdff", "$aldff", "$dffsr", "$dlatch", "$adlatch",
                                   "$sr", "$ff", "$_DFF", "$_SDFF", "$_ALDFF", "$_DLATCH", "$_SR_",
                                   "$_FF_", "$mem"};
  for (const char* p : prefixes) {
    if (type.rfind(p, 0) == 0) return true;
  }
  return false;
}

}  // namespace

// --- interface check ------------------------------------------------------------------------

void check_rtl_multiplier_interface(const RtlMultiplierSpec& spec) {
  check_spec_names(spec);
  const auto sources = checked_sources(spec.sources);
  WorkDir dir(spec.work_dir, "check");
  const fs::path json = dir.path() / "design.json";
  write_text(dir.path() / "check.ys", read_commands(sources) + "hierarchy -check -top " + spec.top +
                                          "\nproc\nflatten\nopt_clean\nwrite_json design.json\n");
  const ToolRun run = run_tool({yosys_tool(), "-q", "-s", "check.ys"}, dir.path(), dir.path() / "check.log");
  if (run.exit_code != 0) {
    throw InputError(describe_sources(sources) + ": Yosys cannot read the design (top '" + spec.top +
                     "'):\n" + tool_message(run.output));
  }
  nlohmann::json design;
  try {
    design = nlohmann::json::parse(read_text(json));
  } catch (const nlohmann::json::exception& e) {
    throw Error("Yosys wrote an unreadable design JSON: " + std::string(e.what()));
  }
  const auto& modules = design.at("modules");
  if (!modules.contains(spec.top)) {
    throw InputError(describe_sources(sources) + ": module '" + spec.top + "' not found after elaboration");
  }
  const auto& module = modules.at(spec.top);
  const auto& ports = module.at("ports");
  const std::string where = describe_sources(sources) + ": module '" + spec.top + "'";
  auto expect_port = [&](const std::string& name, const char* direction, std::size_t width, const char* role) {
    if (!ports.contains(name)) {
      std::string have;
      for (const auto& [n, p] : ports.items()) {
        have += (have.empty() ? "" : ", ") + n + " (" + p.at("direction").get<std::string>() + " " +
                std::to_string(p.at("bits").size()) + ")";
      }
      throw InputError(where + ": missing port '" + name + "' (" + role + ", " + direction + " [" +
                       std::to_string(width - 1) + ":0]); the module has: " + (have.empty() ? "no ports" : have) +
                       ". Port names can be given with --port-a/--port-b/--port-o.");
    }
    const auto& p = ports.at(name);
    const std::string dir_found = p.at("direction").get<std::string>();
    const std::size_t width_found = p.at("bits").size();
    if (dir_found != direction) {
      throw InputError(where + ": port '" + name + "' (" + role + ") must be an " + direction + ", found " + dir_found);
    }
    if (width_found != width) {
      throw InputError(where + ": port '" + name + "' (" + role + ") must be " + std::to_string(width) +
                       " bits wide ([" + std::to_string(width - 1) + ":0]), found " + std::to_string(width_found) +
                       " bits");
    }
  };
  expect_port(spec.port_a, "input", 8, "operand A, the activation");
  expect_port(spec.port_b, "input", 8, "operand B, the weight");
  expect_port(spec.port_o, "output", 16, "the product");
  for (const auto& [name, p] : ports.items()) {
    if (name == spec.port_a || name == spec.port_b || name == spec.port_o) continue;
    if (p.at("direction").get<std::string>() != "output") {
      throw InputError(where + ": unexpected " + p.at("direction").get<std::string>() + " port '" + name +
                       "': a combinational multiplier has only inputs '" + spec.port_a + "', '" + spec.port_b +
                       "' (a clock or reset means the design is not combinational)");
    }
  }
  if (module.contains("cells")) {
    for (const auto& [name, cell] : module.at("cells").items()) {
      const std::string type = cell.at("type").get<std::string>();
      if (is_sequential_cell(type)) {
        std::string src;
        if (cell.contains("attributes") && cell.at("attributes").contains("src")) {
          src = " at " + cell.at("attributes").at("src").get<std::string>();
        }
        throw InputError(where + ": the design is not combinational: Yosys infers a " +
                         std::string(type.find("latch") != std::string::npos ? "latch" : "state element") +
                         " (cell " + type + src + "); a multiplier must compute O from A and B alone");
      }
    }
  }
}

// --- simulation -------------------------------------------------------------------------------

std::vector<std::int16_t> simulate_rtl_multiplier(const RtlMultiplierSpec& spec) {
  check_spec_names(spec);
  const auto sources = checked_sources(spec.sources);
  WorkDir dir(spec.work_dir, "verilate");
  const fs::path table = dir.path() / "products.bin";
  // The generated harness: every operand pair, products written little-endian in table order.
  write_text(dir.path() / "harness.cpp",
             "// Generated by tessera (sim/rtl/characterize.cpp): drives all 65,536 operand pairs.\n"
             "#include <cstdint>\n#include <cstdio>\n#include <memory>\n#include \"Vdut.h\"\n"
             "#include \"verilated.h\"\n"
             "int main(int argc, char** argv) {\n"
             "  if (argc != 2) return 2;\n"
             "  auto context = std::make_unique<VerilatedContext>();\n"
             "  auto dut = std::make_unique<Vdut>(context.get());\n"
             "  std::FILE* out = std::fopen(argv[1], \"wb\");\n"
             "  if (out == nullptr) return 3;\n"
             "  for (unsigned a = 0; a < 256; ++a) {\n"
             "    for (unsigned b = 0; b < 256; ++b) {\n"
             "      dut->" + spec.port_a + " = a;\n"
             "      dut->" + spec.port_b + " = b;\n"
             "      dut->eval();\n"
             "      const unsigned o = static_cast<unsigned>(dut->" + spec.port_o + ") & 0xFFFFu;\n"
             "      const unsigned char bytes[2] = {static_cast<unsigned char>(o & 0xFF), static_cast<unsigned char>(o >> 8)};\n"
             "      if (std::fwrite(bytes, 1, 2, out) != 2) return 4;\n"
             "    }\n"
             "  }\n"
             "  dut->final();\n"
             "  return std::fclose(out) == 0 ? 0 : 5;\n"
             "}\n");
  std::vector<std::string> argv = {verilator_tool(), "--cc", "--exe", "--build", "-j", "2",
                                   "-O1", "--prefix", "Vdut", "--top-module", spec.top,
                                   "--Mdir", "obj", "--x-assign", "0", "--x-initial", "0",
                                   "--no-timing", "-Wno-fatal", "-Wno-lint", "-Wno-style",
                                   "-CFLAGS", "-O1 -w"};
  for (const auto& s : sources) argv.push_back(s.string());
  argv.push_back("harness.cpp");
  const ToolRun build = run_tool(argv, dir.path(), dir.path() / "verilate.log");
  if (build.exit_code != 0) {
    if (build.output.find("%Error") != std::string::npos) {
      throw InputError(describe_sources(sources) + ": Verilator rejects the design (top '" + spec.top + "'):\n" +
                       tool_message(build.output));
    }
    throw Error("building the Verilator model of '" + spec.top + "' failed:\n" + tool_message(build.output));
  }
  const ToolRun sim = run_tool({(dir.path() / "obj" / "Vdut").string(), table.string()}, dir.path(),
                               dir.path() / "simulate.log");
  if (sim.exit_code != 0) {
    throw Error("simulating '" + spec.top + "' failed (exit " + std::to_string(sim.exit_code) + "):\n" +
                tool_message(sim.output));
  }
  const std::string bytes = read_text(table);
  if (bytes.size() != 2 * approx::kTableEntries) {
    throw Error("simulating '" + spec.top + "' wrote " + std::to_string(bytes.size()) + " bytes, expected " +
                std::to_string(2 * approx::kTableEntries));
  }
  std::vector<std::int16_t> products(approx::kTableEntries);
  for (std::size_t i = 0; i < products.size(); ++i) {
    const auto lo = static_cast<unsigned char>(bytes[2 * i]);
    const auto hi = static_cast<unsigned char>(bytes[2 * i + 1]);
    products[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
  }
  return products;
}

// --- synthesis --------------------------------------------------------------------------------

SynthesisFigures synthesize_rtl(const std::vector<fs::path>& sources_in, const std::string& top,
                                const fs::path& work_dir, const fs::path& netlist_out) {
  if (!is_identifier(top)) throw InputError("'" + top + "' is not a plain Verilog identifier");
  const auto sources = checked_sources(sources_in);
  WorkDir dir(work_dir, "synth_" + top);
  const fs::path stat = dir.path() / "stat.json";
  std::string script = read_commands(sources) + "synth -flatten -top " + top +
                       "\ntee -q -o stat.json stat -json -tech cmos\n";
  if (!netlist_out.empty()) script += "write_verilog -noattr netlist.v\n";
  write_text(dir.path() / "synth.ys", script);
  const ToolRun run = run_tool({yosys_tool(), "-q", "-s", "synth.ys"}, dir.path(), dir.path() / "synth.log");
  if (run.exit_code != 0) {
    throw InputError(describe_sources(sources) + ": Yosys cannot synthesise '" + top + "':\n" +
                     tool_message(run.output));
  }
  if (!netlist_out.empty()) {
    std::error_code ec;
    fs::copy_file(dir.path() / "netlist.v", netlist_out, fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error("cannot write the netlist to " + netlist_out.string() + ": " + ec.message());
  }
  SynthesisFigures figures;
  try {
    const auto j = nlohmann::json::parse(read_text(stat));
    const auto& d = j.at("design");
    figures.cells = d.at("num_cells").get<std::int64_t>();
    if (d.contains("estimated_num_transistors")) {
      const auto& t = d.at("estimated_num_transistors");
      // Yosys 0.23 writes the estimate as a string ("3278", or "3278+" when some cell is unknown).
      figures.transistors = t.is_string() ? std::stoll(t.get<std::string>()) : t.get<std::int64_t>();
    }
    if (d.contains("num_cells_by_type")) {
      for (const auto& [type, n] : d.at("num_cells_by_type").items()) figures.cells_by_type[type] = n.get<std::int64_t>();
    }
  } catch (const std::exception& e) {
    throw Error("cannot read Yosys statistics " + stat.string() + ": " + e.what());
  }
  return figures;
}

const SynthesisFigures& exact_reference_figures() {
  static std::once_flag once;
  static SynthesisFigures figures;
  std::call_once(once, [] {
    figures = synthesize_rtl({data_path("hw/approx/tessera_mul8s_bw.sv"), data_path("hw/approx/tessera_mul8s_exact.sv")},
                             "tessera_mul8s_exact");
  });
  return figures;
}

// --- the whole flow ---------------------------------------------------------------------------

double RtlCharacterization::cell_ratio() const {
  return exact_reference.cells > 0 ? static_cast<double>(circuit.cells) / static_cast<double>(exact_reference.cells) : 0.0;
}
double RtlCharacterization::transistor_ratio() const {
  return exact_reference.transistors > 0
             ? static_cast<double>(circuit.transistors) / static_cast<double>(exact_reference.transistors)
             : 0.0;
}
approx::MultiplierTable RtlCharacterization::table(std::string name) const {
  return approx::MultiplierTable(name.empty() ? top : std::move(name), products);
}

RtlCharacterization characterize_rtl_multiplier(const RtlMultiplierSpec& spec) {
  check_rtl_multiplier_interface(spec);
  RtlCharacterization result;
  result.top = spec.top;
  result.products = simulate_rtl_multiplier(spec);
  result.circuit = synthesize_rtl(spec.sources, spec.top, spec.work_dir);
  result.exact_reference = exact_reference_figures();
  return result;
}

}  // namespace tessera::rtl
