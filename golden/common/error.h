#pragma once
// The errors tessera's libraries throw. Library code never prints or exits: only the CLI
// (sim/cli) turns these into messages and exit codes.
#include <stdexcept>
#include <string>

namespace tessera {

// Base of every error tessera throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input from a user: a file, a field or a value. The message names the file (or argument),
// the field and what was expected, e.g. "weights.npy: header field 'descr': expected '<f4', got '>f4'".
class InputError : public Error {
 public:
  using Error::Error;
};

// A configuration names something unknown or gives a parameter outside its valid range.
// The message lists what would have been accepted.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// An operation was asked for in a state that does not allow it, e.g. running an optical layer
// whose range statistics were never calibrated.
class StateError : public Error {
 public:
  using Error::Error;
};

}  // namespace tessera
