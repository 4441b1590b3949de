#include "tools/smol/cli_output.h"

#include "common/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

namespace smol::cli {

void check_subcommand_name(const CLI::App& app, int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return;  // options (--help) and a missing subcommand are CLI11's to report
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->check_name(argv[1])) return;
        names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    std::string shown;
    for (unsigned char c : std::string_view(argv[1])) shown += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, char(c));
    fail("unknown subcommand '{}' (subcommands: {})", shown, names);
}

void check_standard_output() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
        fail("writing standard output: {}", std::strerror(errno != 0 ? errno : EIO));
}

int finish_standard_output() {
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return 0;
    fmt::print(stderr, "smol: error: writing standard output: {}\n", std::strerror(errno != 0 ? errno : EIO));
    return 1;
}

}  // namespace smol::cli
