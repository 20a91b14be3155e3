#pragma once
// A file written in pieces and published atomically: bytes go to `<path>.tmp-<pid>.<n>` beside
// the target, and commit() fsyncs and renames it over `path`. Until then any previous file at
// `path` is untouched; destroying an uncommitted file removes the temporary.
// (golden/io/atomic_file.h does the same for a whole buffer at once.)
#include <cstddef>
#include <string>

namespace tessera::traces {

class AtomicOutputFile {
 public:
  // Creates the temporary file; throws InputError naming `path` when it cannot.
  explicit AtomicOutputFile(std::string path);
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  void write(const void* data, std::size_t size);
  // Publishes the file under its final name. Further writes are an error.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temporary_path() const { return temporary_path_; }
  bool committed() const { return committed_; }

 private:
  void discard() noexcept;

  std::string path_;
  std::string temporary_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace tessera::traces
