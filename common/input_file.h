#pragma once
// Opening what the user names as an input. Every input of every subcommand goes through here, so that a
// directory, a FIFO or a device is refused the same way everywhere (docs/robustness.md "input paths"):
// a directory would throw from a stream, a FIFO would block in open() forever, /dev/zero never ends.
#include <cstddef>
#include <cstdint>
#include <string>

namespace smol {

// Opens `path` read-only without blocking (a FIFO with no writer would otherwise hang in open()) and
// refuses anything but a regular file, naming what it is. Returns the descriptor; throws smol::error.
int open_regular_input(const std::string& path);

// The whole file as bytes; refuses one larger than `max_bytes` before reading it.
std::string read_input_file(const std::string& path, size_t max_bytes);

// Standard input (a pipe or a terminal) up to `max_bytes`; more is an error, so /dev/zero cannot exhaust memory.
std::string read_standard_input(size_t max_bytes);

// From now on, remember every input opened, so that no output of this run replaces one (`convert -o` naming
// a shard, `asm a.s -o a.s`). The CLI turns it on once; library users that rewrite files they read do not.
void remember_inputs();
// The path an input with this identity was opened under, or null.
const std::string* input_with_identity(uint64_t device, uint64_t inode);

// What kind of file st_mode describes ("a directory", "a FIFO", ...), for messages.
const char* file_kind_name(unsigned mode);

}  // namespace smol
