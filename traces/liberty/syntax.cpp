#include "traces/liberty/syntax.h"

#include <zlib.h>

#include <cstring>
#include <memory>

#include "golden/common/error.h"

namespace tessera::traces::liberty {

const Attribute* Group::find(std::string_view name) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

const Group* Group::find_group(std::string_view group_type) const {
  for (const Group& group : groups) {
    if (group.type == group_type) return &group;
  }
  return nullptr;
}

namespace {

bool is_word_char(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '(': case ')': case '{': case '}':
    case ':': case ';': case ',': case '"': case '\\':
      return false;
    default:
      return c != '\0';
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

class SyntaxParser {
 public:
  SyntaxParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  Group parse_file() {
    skip_blank();
    if (at_end()) fail("a top-level group such as 'library (name) {'");
    Group root;
    parse_statement_into(root, /*top_level=*/true);
    skip_blank();
    if (!at_end()) fail("end of file after the top-level group");
    return std::move(root.groups.front());
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    std::string got = at_end() ? std::string("end of file")
                               : "'" + std::string(text_.substr(pos_, 1)) + "'";
    throw InputError(source_ + ":" + std::to_string(line_) + ": expected " + expected + ", got " +
                     got);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  // Whitespace, comments and backslash line continuations.
  void skip_blank() {
    while (!at_end()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\\' && pos_ + 1 < text_.size() &&
                 (text_[pos_ + 1] == '\n' || text_[pos_ + 1] == '\r')) {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        std::size_t close = text_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) fail("'*/' closing the comment");
        for (std::size_t i = pos_; i < close; ++i) line_ += text_[i] == '\n';
        pos_ = close + 2;
      } else {
        return;
      }
    }
  }

  std::string read_word() {
    std::size_t start = pos_;
    while (!at_end() && is_word_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string read_quoted() {
    ++pos_;  // opening quote
    std::string value;
    while (true) {
      if (at_end()) fail("'\"' closing the string");
      char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\n') ++line_;
      if (c == '\\' && !at_end() && (peek() == '\n' || peek() == '\r')) continue;
      value.push_back(c);
    }
  }

  // An unquoted value: everything up to one of `stops` or the end of the line.
  std::string read_raw(std::string_view stops) {
    std::size_t start = pos_;
    while (!at_end() && text_[pos_] != '\n' && stops.find(text_[pos_]) == std::string_view::npos) {
      ++pos_;
    }
    return std::string(trim(text_.substr(start, pos_ - start)));
  }

  void parse_body(Group& group) {
    while (true) {
      skip_blank();
      if (at_end()) fail("'}' closing group '" + group.type + "' opened at line " +
                         std::to_string(group.line));
      if (peek() == '}') {
        ++pos_;
        group.end_offset = pos_;
        return;
      }
      if (peek() == ';') {  // stray semicolons are tolerated by every Liberty reader
        ++pos_;
        continue;
      }
      parse_statement_into(group, false);
    }
  }

  void parse_statement_into(Group& parent, bool top_level) {
    std::size_t begin = pos_;
    int line = line_;
    std::string name = read_word();
    if (name.empty()) fail("an attribute or group name");
    skip_blank();
    if (!top_level && peek() == ':') {
      ++pos_;
      skip_blank();
      Attribute attribute{std::move(name), {}, false, line};
      attribute.values.push_back(peek() == '"' ? read_quoted() : read_raw(";}"));
      skip_to_semicolon();
      parent.attributes.push_back(std::move(attribute));
      return;
    }
    if (peek() != '(') fail(top_level ? "'(' after the group name" : "':' or '(' after '" + name + "'");
    ++pos_;
    std::vector<std::string> values;
    while (true) {
      skip_blank();
      if (peek() == ')') {
        ++pos_;
        break;
      }
      std::string value = peek() == '"' ? read_quoted() : read_raw(",)");
      skip_blank();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail("',' or ')' in the argument list of '" + name + "'");
      }
      values.push_back(std::move(value));
    }
    if (values.size() == 1 && values.front().empty()) values.clear();
    skip_blank();
    if (peek() == '{') {
      ++pos_;
      Group group;
      group.type = std::move(name);
      group.args = std::move(values);
      group.line = line;
      group.begin_offset = begin;
      parse_body(group);
      parent.groups.push_back(std::move(group));
      return;
    }
    if (top_level) fail("'{' opening the top-level group");
    skip_to_semicolon();
    parent.attributes.push_back(Attribute{std::move(name), std::move(values), true, line});
  }

  // The semicolon ending an attribute is optional in practice (several vendors omit it).
  void skip_to_semicolon() {
    std::size_t save_pos = pos_;
    int save_line = line_;
    skip_blank();
    if (peek() == ';') {
      ++pos_;
    } else {
      pos_ = save_pos;
      line_ = save_line;
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Group parse_liberty_syntax(std::string_view text, const std::string& source) {
  return SyntaxParser(text, source).parse_file();
}

std::string read_liberty_text(const std::string& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw InputError(path + ": cannot open the Liberty file");
  std::string text;
  std::vector<char> buffer(1 << 20);
  while (true) {
    int got = gzread(file.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      throw InputError(path + ": corrupt or truncated compressed data (" + message + ")");
    }
    if (got == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
  // zlib reports a truncated gzip stream only through gzerror after the final read.
  int code = Z_OK;
  gzerror(file.get(), &code);
  if (code != Z_OK && code != Z_BUF_ERROR) {
    throw InputError(path + ": corrupt or truncated compressed data");
  }
  if (code == Z_BUF_ERROR) throw InputError(path + ": truncated compressed data (unexpected end of file)");
  return text;
}

}  // namespace tessera::traces::liberty
