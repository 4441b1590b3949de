#include "asm/tests/asm_test_util.h"

#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <unistd.h>

namespace smol::assembler::testing {

program assemble_ok(const std::string& source) {
    result r = assemble_string(source, "test.s");
    std::string all;
    for (const auto& d : r.errors) all += d.text() + "\n";
    EXPECT_TRUE(r.ok()) << all << "source:\n" << source;
    return r.prog;
}

std::vector<std::string> assemble_errors(const std::string& source) {
    result r = assemble_string(source, "test.s");
    std::vector<std::string> out;
    for (const auto& d : r.errors) out.push_back(d.text());
    EXPECT_FALSE(out.empty()) << "expected errors for:\n" << source;
    return out;
}

std::vector<uint32_t> words(const program& p) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i + 4 <= p.image.size(); i += 4)
        out.push_back(uint32_t(p.image[i]) | uint32_t(p.image[i + 1]) << 8 | uint32_t(p.image[i + 2]) << 16 |
                      uint32_t(p.image[i + 3]) << 24);
    return out;
}

temp_dir::temp_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("smol-asm-") + (info ? info->name() : "test") + "-" + std::to_string(::getpid());
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string temp_dir::write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

}  // namespace smol::assembler::testing
