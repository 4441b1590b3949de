#include "verify/src/child_process.h"

#include "common/error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace smol::verify {

child_exit run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) environment.emplace_back(*e);
    for (const std::string& add : env) {
        const std::string name = add.substr(0, add.find('=') + 1);
        std::erase_if(environment, [&](const std::string& e) { return e.starts_with(name); });
        environment.push_back(add);
    }
    std::vector<char*> args, envp;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv.at(0).c_str(), nullptr, nullptr, args.data(), envp.data());
    if (rc != 0) fail("cannot run {}: {}", argv[0], std::strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waiting for {}: {}", argv[0], std::strerror(errno));
    if (WIFEXITED(status)) return {true, WEXITSTATUS(status)};
    return {false, WTERMSIG(status)};
}

void run_child_checked(const std::string& what, const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    const child_exit e = run_child(argv, env);
    if (!e.exited) fail("{}: {} was killed by signal {}", what, argv.at(0), e.status);
    if (e.status != 0) fail("{}: {} exited with status {} (its messages are above)", what, argv.at(0), e.status);
}

std::string source_dir() {
    const char* env = std::getenv("SMOL_SOURCE_DIR");
    return env && *env ? env : SMOL_SOURCE_DIR;
}

}  // namespace smol::verify
