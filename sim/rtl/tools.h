#pragma once
// Running the external EDA tools tessera drives at run time (Yosys, Verilator, OpenSTA): where to
// find them, how to run one without a shell, and a scratch directory for their files.
//
// Each tool is found on PATH, or at the path named by an environment variable:
// TESSERA_YOSYS, TESSERA_VERILATOR, TESSERA_STA.
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::rtl {

std::string yosys_tool();
std::string verilator_tool();
std::string sta_tool();
// True when `program` (a name looked up on PATH, or a path) can be executed.
bool tool_available(const std::string& program);

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs argv in `cwd` (no shell), stdout and stderr to `log`, and returns the exit code and the log.
// Throws Error when the program cannot be started, naming the package and variable to fix it.
ToolRun run_tool(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                 const std::filesystem::path& log);

// The lines of a tool's output that carry its complaint (ERROR / %Error / error:), or its tail.
std::string tool_message(const std::string& output);

std::string read_text(const std::filesystem::path& path);
// Plain write for the tools' own inputs (scripts, harnesses) in a work directory; results meant
// for users go through io::write_file_atomically instead.
void write_text(const std::filesystem::path& path, const std::string& text);

// A scratch directory: `requested / sub` when a directory is requested (created, kept, with the
// tools' logs in it), otherwise a fresh directory under the system temp dir, removed on destruction.
class WorkDir {
 public:
  WorkDir(const std::filesystem::path& requested, const std::string& sub);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool remove_ = false;
};

}  // namespace tessera::rtl
