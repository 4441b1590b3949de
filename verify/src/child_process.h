#pragma once
// Runs a helper program (the PyTorch reference, the llama.cpp oracle, the plotter) and waits for it; its
// stderr goes to ours, so its progress and messages are seen as they come.
#include <string>
#include <vector>

namespace smol::verify {

struct child_exit {
    bool exited = false;  // false: killed by a signal
    int status = 0;       // the exit status, or the signal
};

// argv[0] is looked up on PATH unless it holds a '/'. `env` entries ("NAME=value") are added to ours.
// Throws smol::error when the program cannot be started.
child_exit run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// The same, and throws smol::error naming `what` and the status unless the program exits 0.
void run_child_checked(const std::string& what, const std::vector<std::string>& argv,
                       const std::vector<std::string>& env = {});

// Where the repository's scripts and the reference package are: $SMOL_SOURCE_DIR, else the source tree
// this binary was built from.
std::string source_dir();

}  // namespace smol::verify
